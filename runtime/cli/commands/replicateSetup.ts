import { redactUrl } from "../../lib/postgres/connectionUrl";
import { appRoleNameProblem, DEFAULT_APP_ROLE } from "../../lib/promote/settings";
import type { ReplicateSetupResult, SetupPhase } from "../../lib/replicate/setup";
import { DEFAULT_SYNC_WAIT_SECONDS } from "../../lib/replicate/settings";
import { CliCommand, positiveIntegerOption, stringOption, UsageError } from "../command";
import { formatTable } from "../io";
import { nameOption, REPLICATE_OPTIONS, urlOption } from "./replicateOptions";

const PHASE_LABELS: Record<SetupPhase, string> = {
  check: "checking the source can publish and the target can subscribe",
  schema: "copying the schema into the target",
  publication: "publishing every table on the source",
  subscription: "subscribing the target",
  copy: "waiting for the initial copy of every table",
};

/** `bloom-dr replicate setup`: make the target a logical replica of the source (idempotent). */
export const replicateSetupCommand: CliCommand = {
  name: "replicate setup",
  summary:
    "make the target a logical replica of the source: schema, publication, subscription, initial copy (idempotent)",
  options: {
    source: { ...REPLICATE_OPTIONS.source, required: true },
    target: REPLICATE_OPTIONS.target,
    publication: REPLICATE_OPTIONS.publication,
    subscription: REPLICATE_OPTIONS.subscription,
    "app-role": {
      type: "string",
      value: "NAME",
      default: DEFAULT_APP_ROLE,
      description: "the role that owns the replica's objects, as promote leaves them (created NOLOGIN if missing)",
    },
    clean: {
      type: "boolean",
      description: "replace a target that is not empty and holds no subscription (never one marked serving)",
    },
    "wait-seconds": {
      type: "string",
      value: "N",
      default: String(DEFAULT_SYNC_WAIT_SECONDS),
      description: "how long to wait for the initial copy (run setup again to keep waiting)",
    },
  },
  details: `
Checks first, changes nothing when one fails, and says what to change: the source must have
wal_level = logical (Neon: the project setting enableLogicalReplication, irreversible, which
restarts the computes), the source role REPLICATION (Neon creates its roles with it once logical
replication is on), ownership of and SELECT on every table, and every table a primary key or
REPLICA IDENTITY (a table without one is refused by name: once published, the primary would
refuse its UPDATEs and DELETEs). The target must not be serving, its role may create
subscriptions (PostgreSQL < 16: a superuser or the RDS master; 16+: pg_create_subscription), and
it must be empty (or --clean) or already this replica.

Then: the schema is copied (pg_dump --schema-only, restored as the target's role, every object
given to --app-role as promote leaves it; Prisma's _prisma_migrations rows copied once, each side
keeps its own), the publication lists every table, the subscription is created (its slot on
the source), and setup returns when every table's initial copy is done. Run again after a
migration that added a table (it is added to the publication and copied), or to check: a second
run changes nothing ("changed": false).

Examples:
  bloom-dr replicate setup --source "$NEON_REPLICATION_URL" --target "$RDS_MASTER_URL"
  bloom-dr replicate setup --source "$NEON_REPLICATION_URL" --target "$RDS_MASTER_URL" --clean --json

Exit status: 0 the target replicates the source and every table is copied; 1 refused or failed;
2 usage error.`,
  async run(ctx) {
    const sourceUrl = urlOption(ctx, "source", true);
    const targetUrl = urlOption(ctx, "target", true);
    const publication = nameOption(ctx, "publication");
    const subscription = nameOption(ctx, "subscription");
    const appRole = stringOption(ctx, "app-role") ?? DEFAULT_APP_ROLE;
    const roleProblem = appRoleNameProblem(appRole);
    if (roleProblem) throw new UsageError(`--app-role: ${roleProblem}`);
    const waitSeconds = positiveIntegerOption(ctx, "wait-seconds", DEFAULT_SYNC_WAIT_SECONDS);
    const { runReplicateSetup } = await import("../../lib/replicate/setup");
    const result = await runReplicateSetup({
      sourceUrl,
      targetUrl,
      publication,
      subscription,
      appRole,
      clean: ctx.values.clean === true,
      waitSeconds,
      signal: ctx.signal,
      onPhase: (phase, state) => {
        if (state === "start") ctx.io.progress(`replicate setup: ${PHASE_LABELS[phase]}…`);
      },
      onNotice: (line) => ctx.io.info(line),
    });
    ctx.io.result(
      { command: "replicate setup", ...result, sourceUrl: redactUrl(sourceUrl), targetUrl: redactUrl(targetUrl) },
      setupSummary(result),
    );
    return 0;
  },
};

export function setupSummary(result: ReplicateSetupResult): string {
  const head = result.changed
    ? `${result.target} replicates ${result.source} (publication ${result.publication}, subscription ${result.subscription})`
    : `${result.target} already replicates ${result.source} (publication ${result.publication}, subscription ${result.subscription}): nothing changed`;
  return [
    head,
    ...result.steps.map((s) => `  ${s}`),
    formatTable([["TABLE", "STATE"], ...result.tableStates.map((t) => [t.table, t.state])]),
    result.schema.matches
      ? "schemas: identical (fingerprint)"
      : `schemas: DIFFERENT (${result.schema.onlyOnSource.length} line(s) only on the source, ${result.schema.onlyOnTarget.length} only on the replica): bloom-dr replicate status --source shows them`,
  ].join("\n");
}
