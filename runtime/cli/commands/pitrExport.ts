import path from "node:path";
import { redactUrl } from "../../lib/postgres/connectionUrl";
import { CliCommand, requiredOption } from "../command";
import { formatBytes, formatTable } from "../io";
import { tablesOption, TABLES_OPTION, urlOption } from "./pitrRecover";

/** `bloom-dr pitr export`: the branch's rows as a SQL file to review (playbook PASO 4–5). */
export const pitrExportCommand: CliCommand = {
  name: "pitr export",
  summary: "write the rows of tables in a branch as a reviewable SQL file (INSERT … ON CONFLICT DO NOTHING)",
  options: {
    from: {
      type: "string",
      value: "BRANCH_URL",
      required: true,
      description: "the branch at a time before the incident",
    },
    tables: TABLES_OPTION,
    out: {
      type: "string",
      value: "FILE",
      required: true,
      description: "SQL file to write (replaced only when the export is complete)",
    },
  },
  details: `
The file: a header (source with the password redacted, time, tables and row counts), one
transaction, SET LOCAL of the text formats, then every row as INSERT … ON CONFLICT (primary key)
DO NOTHING, parents before children, then setval lines that move sequences past the ids (never
backwards). Values are quoted by PostgreSQL itself (quote_nullable): jsonb, arrays, bytea,
numeric, timestamptz and enums come back exactly. Review it (PASO 5), then "bloom-dr pitr import".

Example (playbook SEV-2 data loss, PASO 4):
  bloom-dr pitr export --from "$TEMP_DB" --tables reservations,clients --out recovery_$(date +%Y%m%d_%H%M%S).sql

Exit status: 0 written; 1 refused (unknown table, no primary key) or failed, no file written; 2 usage error.`,
  async run(ctx) {
    const fromUrl = urlOption(ctx, "from");
    const tables = tablesOption(ctx);
    const out = path.resolve(requiredOption(ctx, "out", "the SQL file to write"));
    ctx.io.progress(`pitr export: writing ${out}…`);
    const { exportRows } = await import("../../lib/pitr/export");
    const result = await exportRows({ fromUrl, tables, out, signal: ctx.signal });
    const rows = result.tables.reduce((n, t) => n + t.rows, 0);
    ctx.io.result(
      { ok: true, command: "pitr export", from: redactUrl(fromUrl), ...result },
      [
        `pitr export from ${redactUrl(fromUrl)} at ${result.exportedAt}`,
        "",
        formatTable([["table (parents first)", "rows"], ...result.tables.map((t) => [t.table, String(t.rows)])]),
        "",
        `wrote ${out} (${rows} rows, ${formatBytes(result.bytes)}). Review it, then:`,
        `  bloom-dr pitr import --file ${out} --target URL            # dry run: counts, rolled back`,
        `  bloom-dr pitr import --file ${out} --target URL --apply`,
      ].join("\n"),
    );
    return 0;
  },
};
