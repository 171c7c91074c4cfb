/**
 * Lambda handler of the health probe (image CMD override `runtime/handlers/healthProbe.handler`),
 * scheduled every minute: reads the monitor role's URLs from Secrets Manager, probes the direct and
 * the pooled endpoint at once (login, select 1, connection usage), and emits EMF metrics the alarms
 * watch. A database that does not answer is a result, not an error: the invocation succeeds and the
 * metrics say so. Only the probe's own failure (its secret unreadable) throws, and it emits
 * ProbeFailed instead of any endpoint metric, so it can never read as a database outage.
 */
import { redactSecrets } from "../lib/postgres/connectionUrl";
import { defaultDependencies, HandlerDependencies, logLine } from "./dependencies";
import { checkEndpoint, ConnectionUsageReading, EndpointCheck } from "./healthProbeCheck";
import {
  CONNECTION_USAGE_METRIC,
  CONNECTIONS_USED_METRIC,
  DIRECT_LATENCY_METRIC,
  DIRECT_UP_METRIC,
  ENDPOINTS_DEGRADED_METRIC,
  ENDPOINTS_UP_METRIC,
  HEALTH_METRIC_DIMENSION,
  HEALTH_METRIC_NAMESPACE,
  MAX_CONNECTIONS_METRIC,
  POOLED_LATENCY_METRIC,
  POOLED_UP_METRIC,
  PROBE_COMPLETED_METRIC,
  PROBE_FAILED_METRIC,
} from "../../components/healthProbeMetrics";
import { healthProbeSettingsFromEnv, probeUrlsFromSecret } from "./healthProbeSettings";
import { emfLine, Metric } from "./metrics";

// re-exported so a caller of the bundled file (the bundle test) can build the default wiring
export { defaultDependencies };

export type ProbeDependencies = Pick<HandlerDependencies, "env" | "readSecret" | "now" | "writeLine">;

export interface HealthProbeOutcome {
  /** "up": every endpoint answered; "degraded": one of two did not; "down": none did. */
  status: "up" | "degraded" | "down";
  database: string;
  endpoints: { role: string; ok: boolean; ms: number; cause?: string }[];
  usage?: ConnectionUsageReading;
}

function statusOf(checks: readonly EndpointCheck[]): HealthProbeOutcome["status"] {
  const up = checks.filter((c) => c.ok).length;
  return up === checks.length ? "up" : up === 0 ? "down" : "degraded";
}

/** The metrics of one completed run. */
export function probeMetrics(checks: readonly EndpointCheck[], usage: ConnectionUsageReading | undefined): Metric[] {
  const up = checks.filter((c) => c.ok).length;
  const metrics: Metric[] = [
    { name: PROBE_COMPLETED_METRIC, value: 1, unit: "Count" },
    { name: PROBE_FAILED_METRIC, value: 0, unit: "Count" },
    { name: ENDPOINTS_UP_METRIC, value: up, unit: "Count" },
    { name: ENDPOINTS_DEGRADED_METRIC, value: checks.length === 2 && up === 1 ? 1 : 0, unit: "Count" },
  ];
  for (const c of checks) {
    const [upName, latencyName] =
      c.role === "direct" ? [DIRECT_UP_METRIC, DIRECT_LATENCY_METRIC] : [POOLED_UP_METRIC, POOLED_LATENCY_METRIC];
    metrics.push({ name: upName, value: c.ok ? 1 : 0, unit: "Count" });
    if (c.ok) metrics.push({ name: latencyName, value: c.ms, unit: "Milliseconds" });
  }
  if (usage) {
    metrics.push({ name: CONNECTION_USAGE_METRIC, value: usage.percent, unit: "Percent" });
    // a refusal for lack of slots says "full" but not how many
    if (usage.max > 0) {
      metrics.push({ name: CONNECTIONS_USED_METRIC, value: usage.used, unit: "Count" });
      metrics.push({ name: MAX_CONNECTIONS_METRIC, value: usage.max, unit: "Count" });
    }
  }
  return metrics;
}

/**
 * The usage the direct endpoint read, else the pooled one's; when the server refused a login for
 * lack of slots, it is full: 100%.
 */
export function usageOf(checks: readonly EndpointCheck[]): ConnectionUsageReading | undefined {
  const read = checks.find((c) => c.role === "direct" && c.usage)?.usage ?? checks.find((c) => c.usage)?.usage;
  if (read) return read;
  if (checks.some((c) => c.cause?.kind === "too-many-connections")) return { used: 0, usable: 0, max: 0, percent: 100 };
  return undefined;
}

/** The handler's core: everything but the wiring to the real environment. */
export async function runHealthProbe(deps: ProbeDependencies): Promise<HealthProbeOutcome> {
  const settings = healthProbeSettingsFromEnv(deps.env);
  const dimensions = { [HEALTH_METRIC_DIMENSION]: settings.database };
  let urls;
  try {
    urls = probeUrlsFromSecret(await deps.readSecret(settings.secretArn), settings.secretArn);
  } catch (err) {
    const reason = redactSecrets((err as Error).message);
    deps.writeLine(
      emfLine({
        metrics: [{ name: PROBE_FAILED_METRIC, value: 1, unit: "Count" }],
        dimensions,
        timestamp: deps.now(),
        namespace: HEALTH_METRIC_NAMESPACE,
      }),
    );
    deps.writeLine(logLine("health-probe.failed", { database: settings.database, reason }));
    throw new Error(`health probe of ${settings.database} could not start: ${reason}`);
  }
  const targets: ["direct" | "pooled", string][] = [["direct", urls.direct]];
  if (urls.pooled) targets.push(["pooled", urls.pooled]);
  const checks = await Promise.all(targets.map(([role, url]) => checkEndpoint(role, url, settings.timeoutMs, true)));
  const usage = usageOf(checks);
  const outcome: HealthProbeOutcome = {
    status: statusOf(checks),
    database: settings.database,
    endpoints: checks.map((c) => ({ role: c.role, ok: c.ok, ms: c.ms, ...(c.cause ? { cause: c.cause.line } : {}) })),
    ...(usage ? { usage } : {}),
  };
  deps.writeLine(
    emfLine({
      metrics: probeMetrics(checks, usage),
      dimensions,
      timestamp: deps.now(),
      namespace: HEALTH_METRIC_NAMESPACE,
      properties: { status: outcome.status },
    }),
  );
  deps.writeLine(logLine(`health-probe.${outcome.status}`, { ...outcome }));
  return outcome;
}

export async function handler(): Promise<HealthProbeOutcome> {
  return runHealthProbe(defaultDependencies(process.env));
}
