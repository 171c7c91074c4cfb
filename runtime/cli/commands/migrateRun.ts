import { CliCommand, CommandContext, stringOption, UsageError } from "../command";
import { databaseUrlOption } from "./migrateOptions";

/** Where Neon lives for --branch: the key from the environment, the project from an option or the environment. */
export function neonSettings(
  ctx: CommandContext,
  env: NodeJS.ProcessEnv,
): { apiKey: string; projectId: string; parentBranchId?: string } {
  const apiKey = env.NEON_API_KEY;
  const projectId = stringOption(ctx, "neon-project") ?? (env.NEON_PROJECT_ID || undefined);
  if (!apiKey) throw new UsageError("--branch needs NEON_API_KEY in the environment (a Neon API key for the project)");
  if (!projectId)
    throw new UsageError("--branch needs the Neon project: --neon-project ID or NEON_PROJECT_ID in the environment");
  return { apiKey, projectId, parentBranchId: stringOption(ctx, "neon-branch") };
}

/** `bloom-dr migrate run`: restore point, migration command, Prisma's table; the way back on failure. */
export const migrateRunCommand: CliCommand = {
  name: "migrate run",
  summary: "take a pre-migration backup (and/or a Neon branch), run the migration command, report Prisma's table",
  positionals: [
    {
      name: "COMMAND",
      description: "after --: the migration command and its arguments, passed untouched (no shell)",
      // checked in run(), which says to put it after --
      optional: true,
      rest: true,
      afterDashes: true,
    },
  ],
  options: {
    db: {
      type: "string",
      value: "URL",
      required: true,
      description: "the database being migrated (the direct host, not a -pooler one)",
    },
    store: {
      type: "string",
      value: "STORE",
      description: "where the pre-migration backup goes: a directory (path or file:///abs/dir) or s3://bucket/prefix",
    },
    label: {
      type: "string",
      value: "TEXT",
      description: 'label of the pre-migration backup (default: "before migration: COMMAND")',
    },
    branch: {
      type: "boolean",
      description: "Neon: also (or instead) create a branch of the database as it is before the migration",
    },
    "neon-project": {
      type: "string",
      value: "ID",
      description: "Neon project for --branch (default: NEON_PROJECT_ID)",
    },
    "neon-branch": {
      type: "string",
      value: "ID",
      description: "branch to copy with --branch (default: the branch of the --db endpoint)",
    },
    also: {
      type: "string",
      value: "URL",
      description:
        "a logical replica to migrate too, once --db succeeded: COMMAND runs again with DATABASE_URL (and DIRECT_URL if set) = URL",
    },
  },
  details: `
In full: bloom-dr migrate run --db URL --store STORE [--label TEXT] [--branch] [--also URL] -- COMMAND [ARGS...]

The playbook's SEV-3 PASO 1-3 in one step: a complete backup first (nothing runs when it fails),
then COMMAND with its output passed through (onto stderr with --json), then the state of
_prisma_migrations when the database has one. When COMMAND fails (or exits 0 with a failed
migration in the table), the output names the backup, the exact bloom-dr restore command back to
it, and for each failed migration the two prisma migrate resolve commands.
Everything after -- reaches COMMAND untouched, options included. COMMAND connects however it
normally does (Prisma: the datasource's url/directUrl); --db must name the same database.
--branch (Neon, NEON_API_KEY and --neon-project or NEON_PROJECT_ID): a branch of the database's
branch at its current head, kept 7 days, as a restore point and a copy to rehearse on.
--also URL (failover.mode replica): logical replication carries rows, never DDL, so the replica
needs the migration too. Once COMMAND succeeded on --db it runs again with DATABASE_URL (and
DIRECT_URL, when set: Prisma's directUrl) pointing at URL (the replica as its master), and the
replica's own _prisma_migrations must then have every migration --db has. Until the replica has
the new schema its subscription may stop and retry (no row is lost: the slot keeps them). A new
table is replicated once replicate setup runs again. No restore point is taken of the replica: if
its migration fails, rerun it there, or rebuild it with replicate setup --clean.

Examples:
  bloom-dr migrate run --db "$DIRECT_URL" --store s3://bloom-vault/production -- npx prisma migrate deploy
  bloom-dr migrate run --db "$DIRECT_URL" --store ./backups --branch -- npx prisma migrate deploy --schema db/schema.prisma
  bloom-dr migrate run --db "$DIRECT_URL" --store s3://bloom-vault/production --also "$RDS_MASTER_URL" -- npx prisma migrate deploy

Exit status: 0 the command succeeded and no migration is failed (on --also too); 1 the backup, the
branch or the command failed, or a migration is failed; 2 usage error.`,
  async run(ctx) {
    const dbUrl = databaseUrlOption(ctx, "db");
    const command = ctx.positionals;
    if (command.length === 0)
      throw new UsageError("no migration command: put it after --, e.g. -- npx prisma migrate deploy");
    const branch = ctx.values.branch === true;
    const storeSpec = stringOption(ctx, "store");
    if (!storeSpec && !branch)
      throw new UsageError(
        "--store is required: where the pre-migration backup goes (or --branch for a Neon branch instead)",
      );
    if (stringOption(ctx, "neon-project") !== undefined && !branch)
      throw new UsageError("--neon-project applies to --branch only");
    if (stringOption(ctx, "neon-branch") !== undefined && !branch)
      throw new UsageError("--neon-branch applies to --branch only");
    const neon = branch ? neonSettings(ctx, process.env) : undefined;
    const also = stringOption(ctx, "also") !== undefined ? databaseUrlOption(ctx, "also") : undefined;
    // loaded only now, so --help stays fast
    const actions = await import("./migrateActions");
    return actions.migrateRun(ctx, { dbUrl, command, storeSpec, neon, also });
  },
};
