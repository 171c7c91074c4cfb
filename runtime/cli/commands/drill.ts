import path from "node:path";
import { DRILL_NAMES, type DrillName } from "../../lib/drills/types";
import type { StackDriverLoader } from "../../lib/platform/stackDriver";
import type { PlatformName } from "../../lib/platform/types";
import { formatDuration } from "../io";
import { CliCommand, CommandContext, stringOption, UsageError } from "../command";

/** Default Bloom scale: small enough that `npm run drill` finishes in seconds. */
export const DEFAULT_DRILL_SCALE = "0.05";

export function parseDrillSelection(raw: string | undefined): DrillName[] {
  const value = raw ?? "all";
  if (value === "all") return [...DRILL_NAMES];
  if ((DRILL_NAMES as readonly string[]).includes(value)) return [value as DrillName];
  throw new UsageError(`unknown drill "${value}": choose all, ${DRILL_NAMES.join(", ")}`);
}

export function parsePlatform(raw: string | undefined): PlatformName {
  const value = raw ?? "local";
  if (value === "local" || value === "cloud") return value;
  throw new UsageError(`--platform must be local or cloud (got "${value}")`);
}

export function parseScale(raw: string | undefined): number {
  const value = Number(raw ?? DEFAULT_DRILL_SCALE);
  if (!Number.isFinite(value) || value <= 0 || value > 100)
    throw new UsageError(`--scale must be a number above 0 and at most 100 (got "${raw}")`);
  return value;
}

/** The Pulumi driver lives outside runtime/ (no @pulumi imports here); loaded only for the cloud. */
const loadPulumiStack: StackDriverLoader = async (stackName, workDir) => {
  const modulePath = path.join(__dirname, "..", "..", "..", "automation", "pulumiStackDriver");
  const { selectPulumiStack } = (await import(modulePath)) as { selectPulumiStack: StackDriverLoader };
  return selectPulumiStack(stackName, workDir);
};

export const drillCommand: CliCommand = {
  name: "drill",
  summary: "run the playbook's recovery drills (pitr, restore, failover), measure RTO/RPO, write a report",
  positionals: [
    { name: "all|pitr|restore|failover", description: "which drill to run (default: all)", optional: true },
  ],
  options: {
    platform: {
      type: "string",
      value: "local|cloud",
      description: "where to run: throwaway local PostgreSQL, or Neon + the Pulumi stacks",
      default: "local",
    },
    scale: {
      type: "string",
      value: "S",
      description: "size of the Bloom database seeded into an empty primary (1 ≈ 100 MB)",
      default: DEFAULT_DRILL_SCALE,
    },
    reports: {
      type: "string",
      value: "DIR",
      description: "directory for drill-<time>.md and .json",
      default: "reports",
    },
    "smoke-query": {
      type: "string",
      value: "SQL",
      description:
        "query the failover drill runs on the standby (must return a row; a number must be > 0); default: reservations joined to their clients",
    },
    stack: {
      type: "string",
      value: "NAME",
      description: "cloud: the DR Pulumi stack (its failover database becomes the standby)",
    },
    "primary-stack": {
      type: "string",
      value: "NAME",
      description: "cloud: the prod stack with the Neon project (default: the DR stack's primaryStack output)",
    },
    "pulumi-dir": {
      type: "string",
      value: "DIR",
      description: "cloud: the Pulumi project directory (default: the current directory)",
    },
    "destroy-stack": {
      type: "boolean",
      description:
        "cloud: pulumi destroy the DR stack afterwards (a dedicated drill stack) instead of restoring its config",
    },
    replica: {
      type: "boolean",
      description:
        "the failover drill from a logical replica (failover.mode replica): the app writes while the standby replicates, the primary is killed, promote takes the replica path; RPO counted in rows (local only)",
    },
  },
  details: `
Drills (the playbook's quarterly drills): pitr = 50 reservations deleted, recovered from a
branch at the time before; restore = backup, corruption, restore into a fresh target, verify;
failover = backup, primary lost, newest backup restored into the standby, smoke checks;
with --replica: the standby is a logical replica of the primary while the app writes, the
primary is killed mid-write, promote takes the replica path, the rows the replica lost are
counted exactly (RPO), the app inserts with ids from the sequences; both variants fail back.
npm run drill -- --replica runs all three with Drill 3 as the replica variant.
Cloud: NEON_API_KEY (required), NEON_PROJECT_ID (default: the prod stack's neonProjectId),
AWS credentials for Secrets Manager, Pulumi login for the stacks. See docs/drills.md.
Exit status 0 only when every drill passed (its checks and the playbook's expected RTO).`,
  async run(ctx: CommandContext): Promise<number> {
    const names = parseDrillSelection(ctx.positionals[0]);
    const platform = parsePlatform(stringOption(ctx, "platform"));
    const scale = parseScale(stringOption(ctx, "scale"));
    const reportsDir = path.resolve(stringOption(ctx, "reports") ?? "reports");
    const stack = stringOption(ctx, "stack");
    if (platform === "cloud" && !stack)
      throw new UsageError("--platform cloud needs --stack NAME (the DR stack, e.g. dr-staging)");
    const replica = ctx.values.replica === true;
    if (replica && !names.includes("failover"))
      throw new UsageError("--replica is a variant of the failover drill: run drill failover --replica (or all)");
    if (replica && platform === "cloud")
      throw new UsageError(
        "--replica runs on the local platform only: in the cloud, failover.mode replica in the dr stack is the replica, and a failover drill promotes it",
      );
    const { DEFAULT_SMOKE_QUERY } = await import("../../lib/drills/expectations");
    const { summaryTable, writeReport } = await import("../../lib/drills/report");
    const { runDrills } = await import("../../lib/drills/runDrills");
    const { platformFactory } = await import("../../lib/platform/openPlatform");
    const smokeQuery = stringOption(ctx, "smoke-query") ?? DEFAULT_SMOKE_QUERY;
    const openPlatform = await platformFactory(
      platform,
      {},
      platform === "cloud"
        ? {
            stack: stack ?? "",
            primaryStack: stringOption(ctx, "primary-stack"),
            workDir: path.resolve(stringOption(ctx, "pulumi-dir") ?? "."),
            destroyDrStack: ctx.values["destroy-stack"] === true,
            loadStack: loadPulumiStack,
            env: process.env,
            onOutput: (line) => ctx.io.progress(line.trim()),
          }
        : undefined,
    );
    const report = await runDrills(names, {
      platform,
      openPlatform,
      scale,
      smokeQuery,
      replica,
      signal: ctx.signal,
      onStep: (drill, step, state, ms) => {
        if (state === "start") ctx.io.progress(`${drill}: ${step}…`);
        else if (state === "failed") ctx.io.info(`${drill}: ${step} failed after ${formatDuration(ms ?? 0)}`);
      },
    });
    const files = writeReport(reportsDir, report);
    const passed = report.drills.length === names.length && report.drills.every((d) => d.passed);
    ctx.io.result(
      { ok: passed, report, files },
      `${summaryTable(report)}\n\nreport: ${path.relative(process.cwd(), files.markdown)} (and .json)${passed ? "" : "\nnot every drill passed"}`,
    );
    return passed ? 0 : 1;
  },
};
