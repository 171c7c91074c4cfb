import { optionalOutput, parseMasterSecret, rdsUrl, requireOutput } from "./cloudOutputs";
import { assertBranchTime } from "./historyWindow";
import {
  createNeonBranch,
  deleteNeonBranch,
  deleteNeonEndpoint,
  historyRetentionSeconds,
  NeonBranch,
  NeonClient,
} from "./neonBranches";
import { quoteIdent, withClient } from "./sql";
import { StackDriver } from "./stackDriver";
import { DisposableDatabase, PlatformNeeds, RecoveryPlatform } from "./types";

/** How long Neon keeps a drill branch should our clean-up never run. */
export const DRILL_BRANCH_TTL_MS = 24 * 60 * 60_000;

export interface CloudPlatformOptions {
  neon: NeonClient;
  /** The prod stack: the Neon project (neonProjectId, neonPrimaryBranchId, databaseName, databaseRole). */
  primaryStack: StackDriver;
  /** The DR stack: the failover database, switched to `standby` for the drill. */
  drStack: StackDriver;
  /** NEON_PROJECT_ID; default the prod stack's neonProjectId output. */
  projectId?: string;
  /** Reads a Secrets Manager secret (the RDS master secret). */
  readSecret: (arn: string) => Promise<string>;
  /** `pulumi destroy` the DR stack at the end (a dedicated drill stack) instead of restoring its config. */
  destroyDrStack?: boolean;
  onOutput?: (line: string) => void;
  now?: () => Date;
  /** TLS for the standby connection; default "require" (RDS). Tests use a local server without TLS. */
  standbySslMode?: "require" | "disable";
}

interface StandbyState {
  adminUrl: string;
  previousConfig: Record<string, string | undefined>;
  databases: string[];
}

/**
 * The cloud platform. It never writes to the production branch: the drill's "primary" is a
 * working branch created from the primary branch's head, PITR branches are children of that one,
 * and the standby is the DR stack's RDS instance (failover.mode=standby, drill.scenario set),
 * in which each drill gets a database of its own.
 */
export class CloudPlatform implements RecoveryPlatform {
  readonly name = "cloud" as const;
  private readonly branches = new Map<string, NeonBranch>();
  private standby: StandbyState | undefined;
  private disposed = false;

  private constructor(
    private readonly options: CloudPlatformOptions,
    private readonly purpose: string,
    private readonly projectId: string,
    private readonly databaseName: string,
    private readonly roleName: string,
    private readonly working: NeonBranch,
    private readonly workingName: string,
  ) {}

  static async open(
    needs: PlatformNeeds,
    purpose: string,
    options: CloudPlatformOptions,
    signal?: AbortSignal,
  ): Promise<CloudPlatform> {
    const now = options.now ?? (() => new Date());
    const prod = await options.primaryStack.outputs();
    const stack = options.primaryStack.stackName;
    const projectId =
      options.projectId ??
      requireOutput(prod, stack, "neonProjectId", "run pulumi up on the prod stack or set NEON_PROJECT_ID");
    const parentBranchId = requireOutput(prod, stack, "neonPrimaryBranchId", "run pulumi up on the prod stack");
    const databaseName = requireOutput(prod, stack, "databaseName", "run pulumi up on the prod stack");
    const roleName = requireOutput(prod, stack, "databaseRole", "run pulumi up on the prod stack");
    // Before anything changes (no branch yet): a drill that needs the standby rewrites the dr stack's config.
    if (needs.standby) await assertNotActive(options.drStack);
    const workingName = `bloom-dr-drill-${purpose}-${now().toISOString().replace(/[:.]/g, "-").toLowerCase()}`;
    const working = await createNeonBranch(
      options.neon,
      {
        projectId,
        parentBranchId,
        name: workingName,
        databaseName,
        roleName,
        expiresAt: new Date(now().getTime() + DRILL_BRANCH_TTL_MS),
      },
      signal,
    );
    const platform = new CloudPlatform(options, purpose, projectId, databaseName, roleName, working, workingName);
    try {
      if (needs.standby) await platform.provisionStandby();
      return platform;
    } catch (err) {
      await platform.dispose();
      throw err;
    }
  }

  primaryUrl(): string {
    return this.working.url;
  }

  async branchAt(at: Date, name: string, signal?: AbortSignal): Promise<DisposableDatabase> {
    const now = (this.options.now ?? (() => new Date()))();
    const retention = await historyRetentionSeconds(this.options.neon, this.projectId);
    const historyStart = new Date(now.getTime() - retention * 1000);
    const start = historyStart > this.working.createdAt ? historyStart : this.working.createdAt;
    assertBranchTime(at, {
      start,
      end: now,
      startsAt:
        start === historyStart
          ? `the project's ${formatRetention(retention)} history window`
          : `the drill's working branch ${this.workingName}`,
    });
    const branch = await createNeonBranch(
      this.options.neon,
      {
        projectId: this.projectId,
        parentBranchId: this.working.branchId,
        name: `${this.workingName}-${name}`,
        at,
        databaseName: this.databaseName,
        roleName: this.roleName,
        expiresAt: new Date(now.getTime() + DRILL_BRANCH_TTL_MS),
      },
      signal,
    );
    this.branches.set(branch.branchId, branch);
    return {
      url: branch.url,
      dispose: async () => {
        this.branches.delete(branch.branchId);
        await deleteNeonBranch(this.options.neon, this.projectId, branch.branchId);
      },
    };
  }

  async standbyUrl(): Promise<string> {
    if (!this.standby) await this.provisionStandby();
    const standby = this.standby!;
    const database = `bloom_drill_${this.purpose}_${standby.databases.length + 1}`.replace(/[^a-z0-9_]/g, "_");
    await withClient(standby.adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
    standby.databases.push(database);
    const url = new URL(standby.adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** The working branch's compute is deleted: the "primary" is gone, production is untouched. */
  async losePrimary(): Promise<void> {
    await deleteNeonEndpoint(this.options.neon, this.projectId, this.working.endpointId);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message}`);
      }
    };
    for (const id of [...this.branches.keys()])
      await attempt(`branch ${id}`, () => deleteNeonBranch(this.options.neon, this.projectId, id));
    this.branches.clear();
    await attempt(`branch ${this.workingName}`, () =>
      deleteNeonBranch(this.options.neon, this.projectId, this.working.branchId),
    );
    if (this.standby)
      await attempt(`stack ${this.options.drStack.stackName}`, () => this.releaseStandby(this.standby!));
    if (problems.length > 0)
      throw new Error(`clean-up left resources behind (${problems.join("; ")}): remove them by hand`);
  }

  private async provisionStandby(): Promise<void> {
    const dr = this.options.drStack;
    await assertNotActive(dr);
    const previousConfig: Record<string, string | undefined> = {
      "failover.mode": await dr.getConfig("failover.mode"),
      "drill.scenario": await dr.getConfig("drill.scenario"),
    };
    // recorded before the change, so that dispose() can put the stack back even if `up` fails
    this.standby = { adminUrl: "", previousConfig, databases: [] };
    await dr.setConfig({ "failover.mode": "standby", "drill.scenario": this.purpose });
    const outputs = await dr.up(this.options.onOutput);
    const host = requireOutput(
      outputs,
      dr.stackName,
      "failoverAddress",
      "the DR stack did not create the failover database: check failover.mode",
    );
    const port = optionalOutput(outputs, "failoverPort") ?? "5432";
    const arn = requireOutput(
      outputs,
      dr.stackName,
      "failoverMasterSecretArn",
      "the DR stack did not report the RDS master secret",
    );
    const credentials = parseMasterSecret(await this.options.readSecret(arn), arn);
    this.standby.adminUrl = rdsUrl(host, port, credentials, "postgres", this.options.standbySslMode ?? "require");
  }

  private async releaseStandby(standby: StandbyState): Promise<void> {
    const dr = this.options.drStack;
    if (standby.adminUrl) {
      for (const db of standby.databases)
        await withClient(standby.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`));
    }
    if (this.options.destroyDrStack) {
      await dr.destroy(this.options.onOutput);
      return;
    }
    const restore = Object.entries(standby.previousConfig).filter(([, v]) => v !== undefined) as [string, string][];
    const remove = Object.entries(standby.previousConfig)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    if (restore.length > 0) await dr.setConfig(Object.fromEntries(restore));
    if (remove.length > 0) await dr.removeConfig(remove);
    await dr.up(this.options.onOutput);
  }
}

/**
 * A drill switches the dr stack to standby, which re-enables the restore that empties the
 * instance: against a stack whose failover is active (configured, or deployed by the last update)
 * that would demote the live database. Refused with one line, reading config and outputs only.
 */
export async function assertNotActive(dr: StackDriver): Promise<void> {
  const configured = (await dr.getConfig("failover.mode")) ?? "off";
  const deployed = optionalOutput(await dr.outputs(), "failoverMode");
  if (configured !== "active" && deployed !== "active") return;
  const which = configured === "active" ? "failover.mode is active" : "its last update deployed failover.mode active";
  throw new Error(
    `stack ${dr.stackName}: ${which} (a failover serves or is about to serve the app); a cloud drill would switch it to standby, whose scheduled restore wipes that database: run the drill against another dr stack (--stack) or after failing back`,
  );
}

export function openCloudPlatform(
  needs: PlatformNeeds,
  purpose: string,
  options: CloudPlatformOptions,
  signal?: AbortSignal,
): Promise<CloudPlatform> {
  return CloudPlatform.open(needs, purpose, options, signal);
}

/** 86400 → "24 h", 5400 → "90 min", 30 → "30 s". */
export function formatRetention(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
