/**
 * Leaving `active` must never wipe a serving database: in standby the scheduled restore test
 * empties the instance every day, and `off` deletes it. Before the dr program declares anything,
 * it reads where the app's DATABASE_URL secret points right now and refuses an update that would
 * stop treating this stack's instance as serving (mode standby or off, or a drill) while the app
 * uses it. Live state, not the stack's last outputs: an update that failed after the switch
 * leaves outputs that still say standby or off.
 */
import * as aws from "@pulumi/aws";
import { regionOfArn } from "../components/failoverUrl";
import type { DrStackConfig } from "./configSchema";
import { CONFIG_NAMESPACE } from "./configErrors";

/** `<identifier>.<account hash>.<region>.rds.amazonaws.com` (or `.com.cn`): RDS instance endpoints. */
const RDS_ENDPOINT = /^([a-z][a-z0-9-]{0,62})\.[a-z0-9]+\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.amazonaws\.com(?:\.cn)?$/;

/** The host a postgres URL names, lowercased; undefined for anything else (the check then passes). */
export function databaseHost(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") return undefined;
  return parsed.hostname === "" ? undefined : parsed.hostname.toLowerCase();
}

/** The instance identifier and region of an RDS instance endpoint; undefined for any other host. */
export function rdsInstanceOfHost(host: string): { identifier: string; region: string } | undefined {
  const match = RDS_ENDPOINT.exec(host);
  return match ? { identifier: match[1], region: match[2] } : undefined;
}

/** Whether this update keeps treating the instance as serving: active outside a drill. */
export function keepsServing(config: DrStackConfig): boolean {
  return config.failover.mode === "active" && config.drill === undefined;
}

/** What the update would do instead of serving, for the message. */
function change(config: DrStackConfig): string {
  if (config.drill !== undefined && config.failover.mode === "active") return `${CONFIG_NAMESPACE}:drill cannot be set`;
  return `${CONFIG_NAMESPACE}:failover.mode cannot be ${config.failover.mode}`;
}

/** The one-line refusal, with the fail-back steps in order. */
export function stillServingMessage(
  config: DrStackConfig,
  secretArn: string,
  host: string,
  primaryStack: string,
): string {
  return `${change(config)} while the app is served by this stack: the app's DATABASE_URL secret ${secretArn} points at ${host}, this stack's failover instance (standby would restore over it, replica would subscribe it to Neon, off would delete it). Fail back first: stop the app's writes, bloom-dr backup --db <the RDS URL> --store <store>, bloom-dr restore into the Neon production branch (or a new branch), point DATABASE_URL back at Neon (pulumi up -s ${primaryStack} --replace <the primary-url version URN>, or aws secretsmanager put-secret-value), redeploy the app; then change failover.mode (README: Disaster Recovery FASE 6-7)`;
}

export interface ServingCheckArgs {
  readonly config: DrStackConfig;
  /** This stack's name: the instance carries it as the bloom-dr:stack tag. */
  readonly stackName: string;
  readonly primaryStack: string;
  /** Every copy of the app's DATABASE_URL secret the prod stack exports (primary, replica). */
  readonly appSecretArns: readonly string[];
}

async function readSecret(secretArn: string): Promise<string> {
  const version = await aws.secretsmanager.getSecretVersion({ secretId: secretArn, region: regionOfArn(secretArn) });
  return version.secretString;
}

async function findInstances(identifier: string, region: string, tags: Record<string, string>): Promise<string[]> {
  const found = await aws.rds.getInstances({
    region,
    filters: [{ name: "db-instance-id", values: [identifier] }],
    tags,
  });
  return found.instanceIdentifiers;
}

/**
 * Throws the one-line refusal when the update would stop serving while a copy of the app's
 * secret points at an RDS instance tagged as this dr stack's. A copy that cannot be read fails
 * the update too (nothing proves it safe), naming the copy.
 */
export async function assertNotLeavingWhileServing(args: ServingCheckArgs): Promise<void> {
  if (keepsServing(args.config)) return;
  for (const secretArn of args.appSecretArns) {
    let value: string;
    try {
      value = await readSecret(secretArn);
    } catch (error) {
      const reason = String((error as Error)?.message ?? error).split("\n")[0];
      throw new Error(
        `cannot read the app's DATABASE_URL secret ${secretArn} to check that the app is not served by this stack (${reason}): the deploying identity needs secretsmanager:GetSecretValue on it; if its region is down, keep failover.mode active (with appSecret: replica)`,
      );
    }
    const host = databaseHost(value);
    const instance = host === undefined ? undefined : rdsInstanceOfHost(host);
    if (instance === undefined) continue;
    const tags = { "bloom-dr:stack": args.stackName, "bloom-dr:role": "dr" };
    const ours = await findInstances(instance.identifier, instance.region, tags);
    if (ours.length > 0) throw new Error(stillServingMessage(args.config, secretArn, host!, args.primaryStack));
  }
}
