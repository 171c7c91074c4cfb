/**
 * `bloom-dr migrate run`: the playbook's SEV-3 PASO 1-3 in one step. A restore point first (a
 * complete backup through the normal backup path, and/or a Neon branch), then the migration
 * command with its output passed through, then Prisma's migration table. A failure names the way
 * back: the exact `bloom-dr restore` command, or the Neon branch restore.
 */
import { describeDatabase } from "../backup/database";
import { runBackup } from "../backup/runBackup";
import { parseConnectionUrl, redactSecrets, redactUrl } from "../postgres/connectionUrl";
import { BackupStore } from "../store/types";
import { branchRestoreHint, createPreMigrationBranch, MigrateNeonClient, PreMigrationBranch } from "./neonRestorePoint";
import { PrismaMigrationStatus, prismaMigrationStatus, shellQuote } from "./prismaMigrations";
import { commandFailure, describeCommand, Passthrough, runMigrationCommand } from "./runCommand";

export interface MigrateRunOptions {
  dbUrl: string;
  /** Where the pre-migration backup goes; optional when a Neon branch is the restore point. */
  store?: BackupStore;
  label?: string;
  /** The migration command and its arguments, passed untouched (no shell). */
  command: readonly string[];
  /** A Neon branch as (an additional) restore point. */
  branch?: { neon: MigrateNeonClient; projectId: string; parentBranchId?: string };
  /**
   * A second database the same command migrates once it succeeded on the first: a logical replica
   * (logical replication carries rows, not DDL). The command runs again with DATABASE_URL (and
   * DIRECT_URL, when the environment sets it, Prisma's directUrl) pointing at it.
   */
  also?: string;
  passthrough: Passthrough;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  now?: () => Date;
  /** Phase names for progress ("backup", "branch", "migration", "status", "replica"). */
  onPhase?: (phase: string) => void;
}

export interface MigrateRunResult {
  ok: boolean;
  backup: { id: string; store: string; label: string; snapshotAt: string } | null;
  branch: PreMigrationBranch | null;
  command: { line: string; exitCode: number | null; signal: string | null; output?: string };
  /** null: the database has no `_prisma_migrations` table; undefined: it could not be read. */
  prisma: PrismaMigrationStatus | null | undefined;
  /** Why the table could not be read after the command. */
  prismaError?: string;
  /** One line: why the run did not succeed. */
  failure?: string;
  /** The ways back to the restore point(s), most direct first. */
  wayBack: string[];
  /** The second run, against --also: null when it was not asked for; skipped when the first run failed. */
  also: AlsoRun | null;
}

export interface AlsoRun {
  /** host:port/database. */
  db: string;
  /** Why it did not run (the migration failed on --db). */
  skipped?: string;
  command?: { exitCode: number | null; signal: string | null; output?: string };
  prisma?: PrismaMigrationStatus | null;
  /** Migrations finished on --db but not on --also after the run. */
  missing?: string[];
  failure?: string;
}

const LABEL_LIMIT = 200;

/** "before migration: npx prisma migrate deploy", shortened, never with a password. */
export function defaultLabel(command: readonly string[]): string {
  const label = `before migration: ${describeCommand(command)}`;
  return label.length > LABEL_LIMIT ? `${label.slice(0, LABEL_LIMIT - 1)}…` : label;
}

/** The URL without its password: runnable as is with PGPASSWORD or ~/.pgpass, and safe to print. */
export function urlWithoutPassword(url: string): string {
  return redactUrl(url).replace(/(postgres(?:ql)?:\/\/[^:/@\s]*):\*\*\*@/i, "$1@");
}

/** The exact command that puts the pre-migration backup back over the migrated database. */
export function restoreCommandFor(store: string, backupId: string, dbUrl: string): string {
  return [
    "bloom-dr restore --store",
    shellQuote(store),
    "--backup",
    backupId,
    "--target",
    shellQuote(urlWithoutPassword(dbUrl)),
    "--clean",
  ].join(" ");
}

export async function runMigration(options: MigrateRunOptions): Promise<MigrateRunResult> {
  const now = options.now ?? (() => new Date());
  if (options.command.length === 0) throw new Error("no migration command: give it after --");
  if (!options.store && !options.branch)
    throw new Error("no restore point: give --store STORE (a pre-migration backup) and/or --branch (Neon)");
  const parts = parseConnectionUrl(options.dbUrl, "--db");
  if (options.also) {
    parseConnectionUrl(options.also, "--also");
    if (describeDatabase(options.also) === describeDatabase(options.dbUrl))
      throw new Error(
        `--also names the database --db migrates (${describeDatabase(options.dbUrl)}): give the replica's URL`,
      );
  }
  const secrets = [parts.password];
  const line = describeCommand(options.command);

  let backup: MigrateRunResult["backup"] = null;
  if (options.store) {
    options.onPhase?.("backup");
    const label = options.label ?? defaultLabel(options.command);
    try {
      const { manifest } = await runBackup({
        dbUrl: options.dbUrl,
        store: options.store,
        label,
        signal: options.signal,
        now,
        env: options.env,
      });
      backup = { id: manifest.id, store: options.store.describe(), label, snapshotAt: manifest.snapshotAt };
    } catch (err) {
      const reason = (err as Error).message;
      const what = reason.startsWith("backup of ") ? reason : `pre-migration backup failed: ${reason}`;
      throw new Error(`${what}; the migration was not run`);
    }
  }
  const wayBack = backup ? [restoreCommandFor(backup.store, backup.id, options.dbUrl)] : [];

  let branch: PreMigrationBranch | null = null;
  if (options.branch) {
    options.onPhase?.("branch");
    try {
      branch = await createPreMigrationBranch(
        options.branch.neon,
        {
          projectId: options.branch.projectId,
          dbUrl: options.dbUrl,
          parentBranchId: options.branch.parentBranchId,
          now: now(),
        },
        options.signal,
      );
    } catch (err) {
      const kept = backup ? `; backup ${backup.id} was taken` : "";
      throw new Error(redactSecrets(`${(err as Error).message}${kept}; the migration was not run`, secrets));
    }
    wayBack.push(branchRestoreHint(branch));
  }

  options.onPhase?.("migration");
  const outcome = await runMigrationCommand(options.command, {
    passthrough: options.passthrough,
    env: options.env,
    cwd: options.cwd,
    signal: options.signal,
  });

  options.onPhase?.("status");
  let prisma: PrismaMigrationStatus | null | undefined;
  let prismaError: string | undefined;
  try {
    prisma = (await prismaMigrationStatus(options.dbUrl)) ?? null;
  } catch (err) {
    prismaError = redactSecrets((err as Error).message.split("\n")[0], secrets);
  }

  const commandProblem = commandFailure(options.command, outcome);
  const primaryFailure =
    commandProblem ??
    (prisma && prisma.failed.length > 0
      ? `${line} exited 0 but ${prisma.table} has ${prisma.failed.length} failed migration(s): ${prisma.failed.map((m) => m.name).join(", ")}`
      : undefined);
  let also: AlsoRun | null = null;
  if (options.also) {
    secrets.push(parseConnectionUrl(options.also, "--also").password);
    also = primaryFailure
      ? { db: describeDatabase(options.also), skipped: `the migration failed on ${describeDatabase(options.dbUrl)}` }
      : await migrateAlso(options, options.also, prisma ?? undefined);
  }
  const failure = primaryFailure ?? also?.failure;
  return {
    ok: failure === undefined,
    backup,
    branch,
    command: {
      line,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      ...(outcome.output !== undefined ? { output: outcome.output } : {}),
    },
    prisma,
    ...(prismaError ? { prismaError } : {}),
    ...(failure ? { failure: redactSecrets(failure, secrets) } : {}),
    wayBack,
    also,
  };
}

/**
 * The second run, against the replica: the same command with DATABASE_URL (and DIRECT_URL when
 * set) pointing at it, then its migration history compared with the primary's. A replica keeps
 * its own `_prisma_migrations` (replicate setup leaves it out of the publication), so Prisma sees
 * there what the replica's schema really has. A failure names how to retry and how to rebuild.
 */
async function migrateAlso(
  options: MigrateRunOptions,
  url: string,
  primary: PrismaMigrationStatus | undefined,
): Promise<AlsoRun> {
  const db = describeDatabase(url);
  const base = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = { ...base, DATABASE_URL: url, ...(base.DIRECT_URL ? { DIRECT_URL: url } : {}) };
  const secrets = [parseConnectionUrl(url).password, parseConnectionUrl(options.dbUrl).password];
  options.onPhase?.("replica");
  const outcome = await runMigrationCommand(options.command, {
    passthrough: options.passthrough,
    env,
    cwd: options.cwd,
    signal: options.signal,
  });
  const command = {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    ...(outcome.output !== undefined ? { output: outcome.output } : {}),
  };
  const retry = `fix it and run the command again against ${db} (DATABASE_URL=<its URL>), or rebuild the replica from the primary: bloom-dr replicate setup --clean; until then its subscription may stop at the first change that needs the new schema`;
  const problem = commandFailure(options.command, outcome);
  if (problem)
    return {
      db,
      command,
      failure: redactSecrets(
        `migrated ${describeDatabase(options.dbUrl)} but not the replica ${db}: ${problem}: ${retry}`,
        secrets,
      ),
    };
  let prisma: PrismaMigrationStatus | null;
  try {
    prisma = (await prismaMigrationStatus(url)) ?? null;
  } catch (err) {
    return {
      db,
      command,
      failure: redactSecrets(
        `the replica ${db} could not be read after the migration: ${(err as Error).message.split("\n")[0]}`,
        secrets,
      ),
    };
  }
  const finished = (status: PrismaMigrationStatus | null | undefined) =>
    new Set((status?.migrations ?? []).filter((m) => m.state === "applied").map((m) => m.name));
  const onReplica = finished(prisma);
  const missing = [...finished(primary)].filter((m) => !onReplica.has(m)).sort();
  const failed = prisma?.failed.map((m) => m.name) ?? [];
  const failure =
    failed.length > 0
      ? `the replica ${db} has ${failed.length} failed migration(s): ${failed.join(", ")}: ${retry}`
      : missing.length > 0
        ? `the command exited 0 but the replica ${db} has not applied ${missing.join(", ")} (does the command read DATABASE_URL?): ${retry}`
        : undefined;
  return { db, command, prisma, missing, ...(failure ? { failure: redactSecrets(failure, secrets) } : {}) };
}
