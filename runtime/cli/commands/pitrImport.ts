import path from "node:path";
import { redactUrl } from "../../lib/postgres/connectionUrl";
import type { ImportResult } from "../../lib/pitr/import";
import { CliCommand, requiredOption } from "../command";
import { formatTable } from "../io";
import { urlOption } from "./pitrRecover";

/** `bloom-dr pitr import`: runs a reviewed export file in one transaction (playbook PASO 6). */
export const pitrImportCommand: CliCommand = {
  name: "pitr import",
  summary: "insert the rows of a pitr export file into a database in one transaction (dry run unless --apply)",
  options: {
    file: { type: "string", value: "FILE", required: true, description: "the file pitr export wrote (reviewed)" },
    target: { type: "string", value: "URL", required: true, description: "the database that lost the rows" },
    apply: { type: "boolean", description: "commit (without it: run in a transaction, report the counts, roll back)" },
  },
  details: `
Every statement is checked before anything runs: only what an export writes is accepted
(INSERT … ON CONFLICT (key) DO NOTHING, setval lines, SET LOCAL of text formats, BEGIN, COMMIT);
anything else, e.g. a DELETE added by mistake, is refused with its line number. The dry run
executes the INSERTs and rolls back, so its counts include constraint and foreign-key checks;
setval lines run only with --apply (sequence changes survive a rollback). Any error rolls back
everything.

Examples (playbook SEV-2 data loss, PASO 6):
  bloom-dr pitr import --file recovery_20251203_101500.sql --target "$DATABASE_URL"
  bloom-dr pitr import --file recovery_20251203_101500.sql --target "$DATABASE_URL" --apply

Exit status: 0 counted (dry run) or committed; 1 refused or failed (rolled back); 2 usage error.`,
  async run(ctx) {
    const file = path.resolve(requiredOption(ctx, "file", "the SQL file pitr export wrote"));
    const targetUrl = urlOption(ctx, "target");
    ctx.io.progress(`pitr import: running ${file}…`);
    const { importRows } = await import("../../lib/pitr/import");
    const result = await importRows({ file, targetUrl, apply: ctx.values.apply === true, signal: ctx.signal });
    const target = redactUrl(targetUrl);
    ctx.io.result({ ok: true, command: "pitr import", file, target, ...result }, importReport(result, file, target));
    return 0;
  },
};

export function importReport(result: ImportResult, file: string, target: string): string {
  const inserted = result.tables.reduce((n, t) => n + t.inserted, 0);
  const skipped = result.tables.reduce((n, t) => n + t.skipped, 0);
  const lines = [
    `pitr import ${file} into ${target}`,
    "",
    formatTable([
      ["table", "rows in file", result.applied ? "inserted" : "would insert", "already in target"],
      ...result.tables.map((t) => [t.table, String(t.rows), String(t.inserted), String(t.skipped)]),
    ]),
    "",
  ];
  if (result.applied) {
    lines.push(
      `APPLIED: inserted ${inserted} row(s) in one transaction; ${skipped} already in the target were left untouched.`,
    );
    for (const s of result.sequences.advanced) lines.push(`sequence ${s}`);
  } else {
    lines.push(
      `DRY RUN: ran in a transaction and rolled back; nothing was changed. Re-run with --apply to insert ${inserted} row(s).`,
    );
  }
  return lines.join("\n");
}
