import { parseTableList, quoteTable } from "../../lib/integrity/identifiers";
import { parseConnectionUrl, redactUrl } from "../../lib/postgres/connectionUrl";
import type { RecoverResult } from "../../lib/pitr/recover";
import { CliCommand, CommandContext, requiredOption, UsageError } from "../command";
import { formatTable } from "../io";

/** A required database URL option, checked for shape before anything connects. */
export function urlOption(ctx: CommandContext, name: string): string {
  const url = requiredOption(ctx, name, "a postgresql:// URL");
  try {
    parseConnectionUrl(url, `--${name}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return url;
}

/** --tables as quoted names (`"public"."clients"`), syntax checked: a malformed list is exit 2. */
export function tablesOption(ctx: CommandContext): string[] {
  const raw = requiredOption(ctx, "tables", "comma-separated table names, e.g. reservations,clients");
  try {
    return parseTableList(raw).map(quoteTable);
  } catch (err) {
    throw new UsageError(`--tables: ${(err as Error).message}`);
  }
}

export const TABLES_OPTION = {
  type: "string",
  value: "a,b",
  required: true,
  description: 'tables, "table" (schema public) or "schema.table"; order does not matter',
} as const;

/** `bloom-dr pitr recover`: rows the branch has and the target lacks, back in one transaction. */
export const pitrRecoverCommand: CliCommand = {
  name: "pitr recover",
  summary: "copy rows missing from a database back from a point-in-time branch (dry run unless --apply)",
  options: {
    from: {
      type: "string",
      value: "BRANCH_URL",
      required: true,
      description: "the branch at a time before the incident (read-only use)",
    },
    target: { type: "string", value: "URL", required: true, description: "the database that lost the rows" },
    tables: TABLES_OPTION,
    apply: { type: "boolean", description: "insert the missing rows (without it: count only, change nothing)" },
  },
  details: `
Rows are matched by primary key. Dry run (default): per table, how many branch rows the target
lacks (would insert) and how many it already has. --apply inserts them in one transaction,
parents before children (from the foreign keys among the tables), with ON CONFLICT DO NOTHING: a
row that exists in the target (changed after the incident) is never overwritten, and running it
again inserts nothing. Serial/identity sequences are moved past the recovered ids.

Refused with nothing changed: unknown tables, tables without a primary key, columns that differ
between branch and target, foreign-key cycles among the tables.

Examples (playbook SEV-2 data loss, PASO 3–6 in one step):
  bloom-dr pitr recover --from "$TEMP_DB" --target "$DATABASE_URL" --tables reservations,clients,payments
  bloom-dr pitr recover --from "$TEMP_DB" --target "$DATABASE_URL" --tables reservations,clients,payments --apply

Exit status: 0 counted (dry run) or inserted; 1 refused or failed (rolled back); 2 usage error.`,
  async run(ctx) {
    const fromUrl = urlOption(ctx, "from");
    const targetUrl = urlOption(ctx, "target");
    const tables = tablesOption(ctx);
    const apply = ctx.values.apply === true;
    ctx.io.progress(`pitr recover: comparing ${tables.length} table(s)…`);
    const { recoverRows } = await import("../../lib/pitr/recover");
    const result = await recoverRows({ fromUrl, targetUrl, tables, apply, signal: ctx.signal });
    const from = redactUrl(fromUrl);
    const target = redactUrl(targetUrl);
    ctx.io.result(
      { ok: true, command: "pitr recover", from, target, ...result, totals: totals(result) },
      recoverReport(result, from, target),
    );
    return 0;
  },
};

function totals(result: RecoverResult): { missing: number; existing: number; inserted: number } {
  return result.tables.reduce(
    (t, r) => ({
      missing: t.missing + r.missing,
      existing: t.existing + r.existing,
      inserted: t.inserted + r.inserted,
    }),
    { missing: 0, existing: 0, inserted: 0 },
  );
}

export function recoverReport(result: RecoverResult, from: string, target: string): string {
  const sum = totals(result);
  const header = result.applied
    ? ["table", "missing", "inserted", "already in target"]
    : ["table", "would insert", "already in target"];
  const rows = result.tables.map((t) =>
    result.applied
      ? [t.table, String(t.missing), String(t.inserted), String(t.existing)]
      : [t.table, String(t.missing), String(t.existing)],
  );
  const lines = [`pitr recover from ${from} into ${target} (parents first)`, "", formatTable([header, ...rows]), ""];
  if (!result.applied) {
    lines.push(
      sum.missing === 0
        ? "DRY RUN: nothing is missing; nothing to do."
        : `DRY RUN: nothing was changed. Re-run with --apply to insert ${sum.missing} row(s) in one transaction.`,
    );
  } else {
    lines.push(
      `APPLIED: inserted ${sum.inserted} row(s) in one transaction; ${sum.existing} row(s) already in the target were left untouched.`,
    );
    for (const s of result.sequences)
      lines.push(`sequence ${s.sequence} (${s.table}.${s.column}) advanced to ${s.setTo}`);
  }
  return lines.join("\n");
}
