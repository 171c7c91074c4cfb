/**
 * What the promotion step (runtime/handlers/promote.handler, invoked synchronously by the dr
 * stack) returns, checked and trimmed to what the stack exports. Pure, table-tested. A failed
 * promotion never gets here: the function throws, Lambda answers with a FunctionError, and the
 * invocation resource fails the update.
 */

export const PROMOTION_PATHS = ["restored", "fast", "already-serving", "replica"] as const;
export type PromotionPath = (typeof PROMOTION_PATHS)[number];

/** The dr stack's `failoverPromotion` output. */
export interface PromotionSummary {
  /**
   * restored: the backup was loaded now; fast: the standby already held it; already-serving:
   * nothing changed; replica: a logical replica stopped subscribing (no backup involved).
   */
  readonly path: PromotionPath;
  /** The backup served from (on the replica path, optional: the engine names the subscription). */
  readonly backupId?: string;
  /** When the backup's snapshot was taken, or the replica's recovery point (ISO-8601); optional like backupId. */
  readonly snapshotAt?: string;
  /** Data lost at promotion time: promotion time minus snapshot time, or the replica's lag, in seconds. */
  readonly rpoSeconds: number;
  /** Since when the database serves (ISO-8601). */
  readonly servingSince: string;
  readonly appRole: string;
  /** How long the promotion took, in milliseconds (the stack's part of the RTO). */
  readonly totalMs: number;
}

function fail(reason: string): never {
  throw new Error(`the promotion step returned ${reason}: read the promotion function's log group for its report`);
}

function field<T>(record: Record<string, unknown>, key: string, check: (value: unknown) => value is T): T {
  const value = record[key];
  if (!check(value)) fail(`no valid "${key}" (got ${JSON.stringify(value) ?? "nothing"})`);
  return value;
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;
const isTime = (value: unknown): value is string => isText(value) && !Number.isNaN(Date.parse(value));
const isPath = (value: unknown): value is PromotionPath => PROMOTION_PATHS.includes(value as PromotionPath);

/**
 * Parses the invocation's `result` (the handler's JSON answer) and checks that the database now
 * serves `expectedAppRole`, the role the app's URL is about to name.
 */
export function parsePromotionResult(result: string, expectedAppRole: string): PromotionSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result);
  } catch {
    fail("something that is not JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail("no JSON object");
  const record = parsed as Record<string, unknown>;
  if (record.ok !== true) fail(`ok: ${JSON.stringify(record.ok) ?? "nothing"} instead of true`);
  const path = field(record, "path", isPath);
  // From a backup (restored, fast) both are required; otherwise checked when present.
  const fromBackup = path === "restored" || path === "fast";
  const optional = <T>(key: string, check: (value: unknown) => value is T): { [key: string]: T } =>
    fromBackup || (record[key] !== undefined && record[key] !== null) ? { [key]: field(record, key, check) } : {};
  const summary: PromotionSummary = {
    path,
    ...optional("backupId", isText),
    ...optional("snapshotAt", isTime),
    rpoSeconds: field(record, "rpoSeconds", isCount),
    servingSince: field(record, "servingSince", isTime),
    appRole: field(record, "appRole", isText),
    totalMs: field(record, "totalMs", isCount),
  };
  if (summary.appRole !== expectedAppRole) {
    throw new Error(
      `the database serves the app role "${summary.appRole}" (since ${summary.servingSince}) but bloom-dr:failover.appRole is "${expectedAppRole}": the role cannot change while failover is active; set it back to "${summary.appRole}", or fail back first`,
    );
  }
  return summary;
}
