/**
 * What `replicate setup` (runtime/handlers/replicate.handler, {"action":"setup"}, invoked
 * synchronously by the dr stack) returns, checked and trimmed to what the stack exports. Pure,
 * table-tested. A failed setup never gets here: the function throws, Lambda answers with a
 * FunctionError, and the invocation fails the update.
 */

/** The dr stack's `failoverReplication` output. */
export interface ReplicationSetupSummary {
  /** false when a previous setup had already done everything (setup is idempotent). */
  readonly changed: boolean;
  /** How many tables the subscription replicates. */
  readonly tables: number;
  readonly publication: string;
  readonly subscription: string;
}

function fail(reason: string): never {
  throw new Error(`the replication setup returned ${reason}: read the replicate function's log group for its report`);
}

const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** The handler may list the tables or count them. */
function tableCount(value: unknown): number {
  if (Array.isArray(value) && value.every(isText)) return value.length;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  fail(`no valid "tables" (got ${JSON.stringify(value) ?? "nothing"})`);
}

export function parseReplicationSetupResult(result: string): ReplicationSetupSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result);
  } catch {
    fail("something that is not JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) fail("no JSON object");
  const record = parsed as Record<string, unknown>;
  if (record.ok !== true) fail(`ok: ${JSON.stringify(record.ok) ?? "nothing"} instead of true`);
  if (record.action !== "setup") fail(`action ${JSON.stringify(record.action) ?? "nothing"} instead of "setup"`);
  if (typeof record.changed !== "boolean")
    fail(`no valid "changed" (got ${JSON.stringify(record.changed) ?? "nothing"})`);
  for (const key of ["publication", "subscription"] as const) {
    if (!isText(record[key])) fail(`no valid "${key}" (got ${JSON.stringify(record[key]) ?? "nothing"})`);
  }
  return {
    changed: record.changed,
    tables: tableCount(record.tables),
    publication: record.publication as string,
    subscription: record.subscription as string,
  };
}
