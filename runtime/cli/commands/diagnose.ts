import { CliCommand, CommandContext, stringOption, UsageError } from "../command";
import { databaseUrlOption } from "./migrateOptions";

/** `--name S`: whole seconds ≥ min, in milliseconds. */
function secondsOption(ctx: CommandContext, name: string, fallback: number, min: number): number {
  const raw = stringOption(ctx, name);
  if (raw === undefined) return fallback * 1000;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new UsageError(`--${name} must be a whole number of seconds ≥ ${min} (got "${raw}")`);
  return Number(raw) * 1000;
}

/** `bloom-dr diagnose`: the playbook's SEV-1 diagnosis, read-only, each stage timed, each finding with its action. */
export const diagnoseCommand: CliCommand = {
  name: "diagnose",
  summary: "SEV-1 diagnosis: each endpoint stage by stage, connections, blocking chains, Neon's own view",
  options: {
    db: {
      type: "string",
      value: "URL",
      required: true,
      description: "the database URL (direct or pooled); read-only: a login and select 1",
    },
    pooled: {
      type: "string",
      value: "URL",
      description: "the pooled URL (default: derived for Neon hosts, ep-<id>-pooler.…; none for other hosts)",
    },
    "neon-project": {
      type: "string",
      value: "ID",
      description: "Neon project for the endpoint state and operations (default: NEON_PROJECT_ID)",
    },
    timeout: { type: "string", value: "S", description: "seconds each stage may take", default: "5" },
    "long-after": {
      type: "string",
      value: "S",
      description: "an active statement running this long is a finding",
      default: "60",
    },
    "idle-after": {
      type: "string",
      value: "S",
      description: "a session idle in a transaction this long is a finding",
      default: "60",
    },
  },
  details: `
The playbook's SEV-1 "Database Unavailable" diagnosis as one command; it writes nothing.
- Each endpoint (direct and pooled): DNS, TCP connect, TLS (when the URL has sslmode), login,
  select 1, each with its time; the first failing stage is named in one line: DNS, refused,
  timed out, TLS, wrong password, database missing, too many connections.
- Through the first endpoint that answers: connections against max_connections by state,
  application and user (80% of the usable ones is a finding); sessions idle in a transaction;
  long-running statements; blocking chains (who waits for whom), with the
  SELECT pg_terminate_backend(pid) line to review. Other roles' sessions need pg_read_all_stats
  (Neon's owner role has it).
- Neon hosts with NEON_API_KEY (and NEON_PROJECT_ID or --neon-project): the endpoint's state
  (active, idle = suspended, init; disabled) and the project's operations in progress or failed in
  the last hour. Neon's status page is not read (bloom-dr works offline): the report says how to
  check it.
Passwords never appear in the output.

Examples:
  bloom-dr diagnose --db "$DATABASE_URL"
  NEON_API_KEY=… NEON_PROJECT_ID=… bloom-dr diagnose --db "$DIRECT_URL" --json

Exit status: 0 nothing wrong; 1 a finding needs action (an endpoint fails, connections near the
limit, a blocking chain, …); 2 usage error.`,
  async run(ctx) {
    const dbUrl = databaseUrlOption(ctx, "db");
    const pooledUrl = stringOption(ctx, "pooled") === undefined ? undefined : databaseUrlOption(ctx, "pooled");
    const timeoutMs = secondsOption(ctx, "timeout", 5, 1);
    const longRunningMs = secondsOption(ctx, "long-after", 60, 0);
    const idleInTransactionMs = secondsOption(ctx, "idle-after", 60, 0);
    const apiKey = process.env.NEON_API_KEY || undefined;
    const projectId = stringOption(ctx, "neon-project") ?? (process.env.NEON_PROJECT_ID || undefined);
    // loaded only now (require: tsx's CommonJS hook does not see import()), so --help stays fast
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { diagnoseDatabase } = require("../../lib/diagnose/diagnose") as typeof import("../../lib/diagnose/diagnose");
    const { renderDiagnoseReport } = require("../../lib/diagnose/render") as typeof import("../../lib/diagnose/render");
    const { redactUrl } =
      require("../../lib/postgres/connectionUrl") as typeof import("../../lib/postgres/connectionUrl");
    const neonClient = apiKey
      ? (require("@neondatabase/api-client") as typeof import("@neondatabase/api-client")).createApiClient({ apiKey })
      : undefined;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const report = await diagnoseDatabase({
      dbUrl,
      pooledUrl,
      thresholds: { timeoutMs, longRunningMs, idleInTransactionMs },
      neon: { client: neonClient, apiKeySet: Boolean(apiKey), projectId },
      progress: (text) => ctx.io.progress(text),
    });
    const { ok, ...rest } = report;
    ctx.io.result({ ok, command: "diagnose", db: redactUrl(dbUrl), ...rest }, renderDiagnoseReport(report));
    return ok ? 0 : 1;
  },
};
