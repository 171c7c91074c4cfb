import { CliCommand, positiveIntegerOption } from "../command";
import { databaseUrlOption } from "./migrateOptions";

/** `bloom-dr perf`: the playbook's SEV-4 diagnosis, read-only; every finding with the SQL to review. */
export const perfCommand: CliCommand = {
  name: "perf",
  summary: "diagnose slow queries: top statements, index candidates, unused indexes, stale statistics, connections",
  options: {
    db: { type: "string", value: "URL", required: true, description: "database to diagnose (read-only)" },
    top: {
      type: "string",
      value: "N",
      description: "statements per list and long-running statements shown",
      default: "10",
    },
  },
  details: `
The playbook's SEV-4 "Performance Degradation" diagnosis. Reads, never writes:
- top queries by total time, mean time and calls from pg_stat_statements (this database; when the
  extension is missing, one line on how to enable it on Neon and RDS);
- tables read mostly by sequential scans with many rows per scan (index candidates), with the
  columns the top queries filter them on and a CREATE INDEX CONCURRENTLY line to review;
  indexes never used;
- tables whose statistics are stale (many rows modified since the last ANALYZE), with the ANALYZE line;
- connection usage, sessions idle in a transaction, cache hit ratio, the longest-running statements.
A finding: a query averaging 2 s or more (the playbook's "slow"), an index candidate, an unused
index, stale statistics, 80% of the usable connections in use, a session idle in a transaction
for 5 minutes, a cache hit ratio under 99%, a statement running for a minute. perf runs none of
the SQL it prints. Other roles' query text needs pg_read_all_stats (Neon's owner role has it).

Examples:
  bloom-dr perf --db "$DIRECT_URL"
  bloom-dr perf --db "$DIRECT_URL" --top 5 --json

Exit status: 0 healthy; 1 findings (or the database could not be read); 2 usage error.`,
  async run(ctx) {
    const dbUrl = databaseUrlOption(ctx, "db");
    const top = positiveIntegerOption(ctx, "top", 10);
    // loaded only now (require: tsx's CommonJS hook does not see import()), so --help stays fast
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { diagnosePerformance } = require("../../lib/perf/diagnose") as typeof import("../../lib/perf/diagnose");
    const { renderPerfReport } = require("../../lib/perf/render") as typeof import("../../lib/perf/render");
    const { redactUrl } =
      require("../../lib/postgres/connectionUrl") as typeof import("../../lib/postgres/connectionUrl");
    /* eslint-enable @typescript-eslint/no-require-imports */
    ctx.io.progress("perf: reading statistics…");
    const report = await diagnosePerformance({ dbUrl, top });
    const db = redactUrl(dbUrl);
    const { ok, ...rest } = report;
    ctx.io.result({ ok, command: "perf", db, top, ...rest }, renderPerfReport(report, db));
    return report.ok ? 0 : 1;
  },
};
