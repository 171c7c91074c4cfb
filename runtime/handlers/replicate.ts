/**
 * Lambda handler of a replica failover (failover.mode replica; image command override
 * `runtime/handlers/replicate.handler`), the same engine as `bloom-dr replicate`:
 *
 * - `{ "action": "setup" }`, invoked synchronously by `pulumi up`: `replicate setup` into the
 *   failover instance as its RDS master, from the source URL in REPLICATE_SOURCE_SECRET_ARN.
 *   Idempotent; it replaces a target that is not yet this replica (the standby's restored copy,
 *   a replica whose slot is gone), never one marked serving. Returns what changed; throws one line
 *   on failure, which fails the update.
 * - `{ "action": "status" }`, scheduled: `replicate status` with the source, and the replication
 *   metrics as EMF (lag seconds, lag bytes when the source answered, tables not syncing, the
 *   heartbeat). Lag over the limit is a metric value for the alarm, not an error; it throws only
 *   when the check cannot read the target (after emitting the heartbeat as 0).
 */
import {
  REPLICATION_LAG_BYTES_METRIC,
  REPLICATION_LAG_SECONDS_METRIC,
  REPLICATION_METRIC_DIMENSION,
  REPLICATION_METRIC_NAMESPACE,
  REPLICATION_STATUS_COMPLETED_METRIC,
  REPLICATION_TABLES_NOT_SYNCING_METRIC,
} from "../../components/replicationMetrics";
import { parseConnectionUrl, redactSecrets } from "../lib/postgres/connectionUrl";
import { runReplicateSetup } from "../lib/replicate/setup";
import { ReplicateStatus, runReplicateStatus } from "../lib/replicate/status";
import { deadlineSignal, defaultDependencies, HandlerDependencies, LambdaContextLike, logLine } from "./dependencies";
import { replicateSettingsFromEnv, ReplicateSettings } from "./environment";
import { emfLine, Metric } from "./metrics";
import { sourceUrlFromSecret, urlFromRdsMasterSecret } from "./secrets";

// re-exported so a caller of the bundled file (the bundle test) can build the default wiring
export { defaultDependencies };

export type ReplicateDependencies = Pick<HandlerDependencies, "env" | "readSecret" | "now" | "writeLine" | "signal">;

export type ReplicateEvent = { action: "setup" } | { action: "status" };

/** What the stack's setup invocation returns (the contract with the dr stack). */
export interface ReplicateSetupOutcome {
  ok: true;
  action: "setup";
  changed: boolean;
  tables: number;
  publication: string;
  subscription: string;
}

export function parseEvent(event: unknown): ReplicateEvent {
  const action = (event as { action?: unknown } | null | undefined)?.action;
  if (action === "setup" || action === "status") return { action };
  throw new Error(
    `replicate handler: event ${JSON.stringify(event ?? null)?.slice(0, 100)} has no known action: send {"action": "setup"} or {"action": "status"}`,
  );
}

async function targetUrlOf(deps: ReplicateDependencies, settings: ReplicateSettings): Promise<string> {
  return urlFromRdsMasterSecret(
    await deps.readSecret(settings.targetSecretArn),
    settings.targetSecretArn,
    settings.target,
  );
}

async function sourceUrlOf(deps: ReplicateDependencies, settings: ReplicateSettings): Promise<string> {
  return sourceUrlFromSecret(await deps.readSecret(settings.sourceSecretArn), settings.sourceSecretArn);
}

function where(settings: ReplicateSettings): string {
  return `${settings.target.host}:${settings.target.port}/${settings.target.database}`;
}

export async function runReplicateSetupJob(deps: ReplicateDependencies): Promise<ReplicateSetupOutcome> {
  const settings = replicateSettingsFromEnv(deps.env);
  const secrets: string[] = [];
  try {
    const targetUrl = await targetUrlOf(deps, settings);
    const sourceUrl = await sourceUrlOf(deps, settings);
    secrets.push(targetUrl, sourceUrl, parseConnectionUrl(targetUrl).password, parseConnectionUrl(sourceUrl).password);
    const result = await runReplicateSetup({
      sourceUrl,
      targetUrl,
      publication: settings.publication,
      subscription: settings.subscription,
      appRole: settings.appRole,
      clean: true,
      now: deps.now,
      signal: deps.signal,
      env: deps.env,
      onNotice: (line) => deps.writeLine(logLine("replicate.notice", { target: where(settings), message: line })),
    });
    deps.writeLine(
      logLine("replicate.setup", {
        target: result.target,
        source: result.source,
        changed: result.changed,
        steps: result.steps,
        tables: result.tables,
        schemaMatches: result.schema.matches,
      }),
    );
    return {
      ok: true,
      action: "setup",
      changed: result.changed,
      tables: result.tables,
      publication: result.publication,
      subscription: result.subscription,
    };
  } catch (err) {
    const reason = oneLine(redactSecrets(err instanceof Error ? err.message : String(err), secrets));
    deps.writeLine(logLine("replicate.failed", { action: "setup", target: where(settings), reason }));
    throw new Error(reason);
  }
}

/** The metrics of one status run that read the target. */
export function statusMetrics(status: ReplicateStatus): Metric[] {
  const metrics: Metric[] = [
    { name: REPLICATION_STATUS_COMPLETED_METRIC, value: 1, unit: "Count" },
    { name: REPLICATION_TABLES_NOT_SYNCING_METRIC, value: status.tablesNotSyncing, unit: "Count" },
  ];
  if (status.lag.seconds !== null)
    metrics.push({ name: REPLICATION_LAG_SECONDS_METRIC, value: status.lag.seconds, unit: "Seconds" });
  if (status.lag.bytes !== null)
    metrics.push({ name: REPLICATION_LAG_BYTES_METRIC, value: status.lag.bytes, unit: "Bytes" });
  return metrics;
}

export async function runReplicateStatusJob(deps: ReplicateDependencies): Promise<ReplicateStatus> {
  const settings = replicateSettingsFromEnv(deps.env);
  const dimensions = { [REPLICATION_METRIC_DIMENSION]: settings.metricDimension };
  const secrets: string[] = [];
  try {
    const targetUrl = await targetUrlOf(deps, settings);
    secrets.push(targetUrl, parseConnectionUrl(targetUrl).password);
    // without the source the check still runs, from what the replica knows (no lag in bytes)
    const sourceUrl = await sourceUrlOf(deps, settings).catch((err: Error) => {
      deps.writeLine(
        logLine("replicate.notice", { target: where(settings), message: `source not read: ${oneLine(err.message)}` }),
      );
      return undefined;
    });
    if (sourceUrl) secrets.push(sourceUrl, parseConnectionUrl(sourceUrl).password);
    const status = await runReplicateStatus({
      targetUrl,
      sourceUrl,
      subscription: settings.subscription,
      maxLagSeconds: settings.maxLagSeconds,
      now: deps.now,
      signal: deps.signal,
    });
    deps.writeLine(
      emfLine({
        metrics: statusMetrics(status),
        dimensions,
        timestamp: deps.now(),
        namespace: REPLICATION_METRIC_NAMESPACE,
        properties: { ok: status.ok, lagBasis: status.lag.basis },
      }),
    );
    deps.writeLine(
      logLine(status.ok ? "replicate.status" : "replicate.status.problem", {
        target: status.target,
        ok: status.ok,
        lag: status.lag,
        tablesNotSyncing: status.tablesNotSyncing,
        problems: status.problems,
        warnings: status.warnings,
      }),
    );
    return status;
  } catch (err) {
    const reason = oneLine(redactSecrets(err instanceof Error ? err.message : String(err), secrets));
    deps.writeLine(
      emfLine({
        metrics: [{ name: REPLICATION_STATUS_COMPLETED_METRIC, value: 0, unit: "Count" }],
        dimensions,
        timestamp: deps.now(),
        namespace: REPLICATION_METRIC_NAMESPACE,
      }),
    );
    deps.writeLine(logLine("replicate.failed", { action: "status", target: where(settings), reason }));
    throw new Error(reason);
  }
}

/** The handler's core: the event's action with everything but the wiring to the real environment. */
export async function runReplicateJob(
  event: unknown,
  deps: ReplicateDependencies,
): Promise<ReplicateSetupOutcome | ReplicateStatus> {
  const { action } = parseEvent(event);
  return action === "setup" ? runReplicateSetupJob(deps) : runReplicateStatusJob(deps);
}

export async function handler(
  event: unknown,
  context?: LambdaContextLike,
): Promise<ReplicateSetupOutcome | ReplicateStatus> {
  // status must report before the function's deadline even when the lag probe waits: a short margin
  const { action } = parseEvent(event);
  const deadline = deadlineSignal(context, action === "status" ? 5_000 : 60_000);
  try {
    return await runReplicateJob(event, defaultDependencies(process.env, deadline.signal));
  } finally {
    deadline.dispose();
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
