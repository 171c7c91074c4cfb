import os from "node:os";
import { parseConnectionUrl, redactUrl } from "../../lib/postgres/connectionUrl";
import type { ServingMarker } from "../../lib/promote/marker";
import type { RestorePhase, RestoreResult } from "../../lib/restore/runRestore";
import { CliCommand, positiveIntegerOption, requiredOption, stringOption, UsageError } from "../command";
import { formatDuration, formatTable } from "../io";
import { STORE_OPTION, storeFromOptions } from "./storeOption";

const PHASE_LABELS: Record<RestorePhase, string> = {
  connect: "reading the manifest, connecting to the target and checking it",
  download: "checking the dump's sha256 and size (downloading it from a remote store)",
  restore: "pg_restore into the target",
  validate: "checking every table's row count against the manifest",
  then: "running the --then command",
};

/** `bloom-dr restore`: verified restore of one backup, reporting each phase's time (the measured RTO). */
export const restoreCommand: CliCommand = {
  name: "restore",
  summary: "restore a backup into a database, validate every table's row count, report the RTO",
  options: {
    store: STORE_OPTION,
    backup: {
      type: "string",
      value: "ID|latest",
      required: true,
      description: 'backup id (see "bloom-dr backups") or latest',
    },
    target: {
      type: "string",
      value: "URL",
      required: true,
      description: "existing database to restore into; must hold no user objects unless --clean",
    },
    jobs: {
      type: "string",
      value: "N",
      description: `parallel pg_restore jobs (default: the machine's cores, ${os.availableParallelism()} here)`,
    },
    clean: {
      type: "boolean",
      description:
        "empties the target first: drops every user schema (CASCADE), including objects the backup does not contain, then recreates public; the one way to replace a database marked serving",
    },
    then: {
      type: "string",
      value: "CMD",
      description:
        'shell command run after a validated restore with DATABASE_URL set to the target, e.g. "npx prisma migrate deploy"',
    },
  },
  details: `
Phases: connect + check target (read the manifest, connect, refuse a non-empty target without
--clean), download (the sha256 and size of every dump file checked against the manifest: a local
store is read in place, an s3:// store is downloaded into a temporary directory, files in
parallel; a corrupt or incomplete dump is refused before the target is touched), restore
(pg_restore -j N --no-owner --no-acl; each table's rows are counted as soon as its data is in),
validate (the remaining exact row counts against the manifest, the schema fingerprint), then
(--then CMD). Together they are the total (the measured RTO).

--clean empties the target first: drops every user schema (CASCADE), including objects the backup
does not contain, then recreates public. Before it drops anything, a line on stderr names the
target database and the schemas (not with --json).

A database marked serving (bloom-dr promote made it the app's database) is refused without
--clean; with --clean it is replaced on purpose, and a line on stderr says so first, naming the
marker (serving since when, from which backup), also with --json.

Examples:
  bloom-dr restore --store ./backups --backup latest --target postgresql://postgres@localhost/bloom_restore
  bloom-dr restore --store s3://bloom-vault/production --backup 20260102T030405Z-1a2b --target "$STANDBY_URL" --clean --then "npx prisma migrate deploy" --json

Exit status: 0 restored and every row count matched (and --then exited 0); 1 refused or failed
(corrupt dump, non-empty target without --clean, pg_restore error, row-count mismatch, --then
failure); 2 usage error.`,
  async run(ctx) {
    const targetUrl = requiredOption(ctx, "target", "the database URL to restore into");
    try {
      parseConnectionUrl(targetUrl, "--target");
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const backup = requiredOption(ctx, "backup", "a backup id or latest");
    const jobs = positiveIntegerOption(ctx, "jobs", os.availableParallelism());
    const clean = ctx.values.clean === true;
    const then = stringOption(ctx, "then");
    if (then !== undefined && then.trim() === "")
      throw new UsageError('--then is empty: give a command, e.g. --then "npx prisma migrate deploy"');
    const store = storeFromOptions(ctx, { existing: true });
    const target = redactUrl(targetUrl);
    const { runRestore } = await import("../../lib/restore/runRestore");
    const result = await runRestore({
      store,
      backup,
      targetUrl,
      jobs,
      clean,
      then,
      signal: ctx.signal,
      onPhase: (phase, state) => {
        if (state === "start") ctx.io.progress(`restore: ${PHASE_LABELS[phase]}…`);
      },
      replaceServing: clean,
      onServing: (marker) => ctx.io.info(servingNotice(target, marker)),
      onClean: ctx.io.json ? undefined : (schemas) => ctx.io.info(cleanNotice(target, schemas)),
    });
    ctx.io.result(restoreJson(result, store.describe(), target, jobs, clean), restoreSummary(result, target));
    return 0;
  },
};

export function restoreJson(
  result: RestoreResult,
  store: string,
  target: string,
  jobs: number,
  clean: boolean,
): Record<string, unknown> {
  return {
    ok: true,
    command: "restore",
    store,
    backup: result.manifest.id,
    snapshotAt: result.manifest.snapshotAt,
    target,
    jobs,
    clean,
    phases: result.phases,
    totalMs: result.totalMs,
    ...(result.reading ? { reading: result.reading } : {}),
    tables: result.tables,
    schema: result.schema ?? null,
  };
}

/** That --clean is about to replace the database the app may be using, said before anything drops. */
export function servingNotice(target: string, marker: ServingMarker): string {
  return `restore --clean: ${target} is marked serving since ${marker.since} (from backup ${marker.backupId}, promoted by ${marker.promotedBy}, app role ${marker.appRole}): replacing the database the app may be using, on purpose`;
}

/** What --clean is about to drop, said before it does. */
export function cleanNotice(target: string, schemas: string[]): string {
  const list = schemas.length > 0 ? `schema${schemas.length === 1 ? "" : "s"} ${schemas.join(", ")}` : "no schemas";
  const contents = schemas.length === 1 ? "everything in it" : "everything in them";
  return `restore --clean: emptying ${target}: dropping ${list} with ${contents} (CASCADE), including objects the backup does not contain, then recreating public`;
}

/** The phase table (the measured RTO), the validation verdict and the schema fingerprint comparison. */
export function restoreSummary(result: RestoreResult, target: string): string {
  const p = result.phases;
  const rows = [
    ["PHASE", "TIME"],
    ["connect + check target", formatDuration(p.connectMs)],
    ["download + verify", formatDuration(p.downloadMs)],
    ["restore", formatDuration(p.restoreMs)],
    ["validate", formatDuration(p.validateMs)],
  ];
  if (p.thenMs !== undefined) rows.push(["then", formatDuration(p.thenMs)]);
  rows.push(["total (RTO)", formatDuration(result.totalMs)]);
  const tables = Object.values(result.tables);
  const rowsRestored = tables.reduce((sum, t) => sum + t.actual, 0);
  return [
    `restored ${result.manifest.id} (snapshot ${result.manifest.snapshotAt}) into ${target}`,
    formatTable(rows),
    `${tables.length} table${tables.length === 1 ? "" : "s"}, ${rowsRestored.toLocaleString("en-US")} rows: every row count matches the manifest`,
    ...(result.schema
      ? [`schema fingerprint: ${result.schema.matches ? "matches the backup" : "differs (not enforced)"}`]
      : []),
  ].join("\n");
}
