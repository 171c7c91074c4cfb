/**
 * What `migrate run` and `migrate status` do once their options are checked. The command
 * declarations (migrateRun.ts, migrateStatus.ts) load this module only when they run, so that
 * `bloom-dr --help` never loads pg, the backup engine or the Neon client.
 */
import { createApiClient } from "@neondatabase/api-client";
import { prismaMigrationStatus } from "../../lib/migrate/prismaMigrations";
import { describeCommand } from "../../lib/migrate/runCommand";
import { runMigration } from "../../lib/migrate/runMigration";
import { redactUrl } from "../../lib/postgres/connectionUrl";
import { CommandContext } from "../command";
import { alsoJson, prismaJson, runReport, statusReport } from "./migrateReport";
import { storeFromOptions } from "./storeOption";

export async function migrateRun(
  ctx: CommandContext,
  settings: {
    dbUrl: string;
    command: string[];
    storeSpec: string | undefined;
    neon: { apiKey: string; projectId: string; parentBranchId?: string } | undefined;
    also?: string;
  },
): Promise<number> {
  const { dbUrl, command, neon, also } = settings;
  const store = settings.storeSpec ? storeFromOptions(ctx) : undefined;
  const result = await runMigration({
    dbUrl,
    store,
    label: typeof ctx.values.label === "string" ? ctx.values.label : undefined,
    command,
    branch: neon
      ? {
          neon: createApiClient({ apiKey: neon.apiKey }),
          projectId: neon.projectId,
          parentBranchId: neon.parentBranchId,
        }
      : undefined,
    also,
    passthrough: ctx.io.json ? "stderr" : "stdout",
    signal: ctx.signal,
    onPhase: (phase) => {
      if (phase === "migration") ctx.io.info(`migrate run: running ${describeCommand(command)}`);
      else if (phase === "replica") ctx.io.info(`migrate run: running ${describeCommand(command)} against the replica`);
      else ctx.io.progress(`migrate run: ${phase}…`);
    },
  });
  ctx.io.result(
    {
      ok: result.ok,
      command: "migrate run",
      db: redactUrl(dbUrl),
      ...(result.failure ? { error: result.failure } : {}),
      backup: result.backup,
      branch: result.branch,
      migration: result.command,
      prisma: result.prisma ? prismaJson(result.prisma) : (result.prisma ?? null),
      ...(result.prismaError ? { prismaError: result.prismaError } : {}),
      wayBack: result.wayBack,
      also: result.also ? alsoJson(result.also) : null,
    },
    runReport(result),
  );
  return result.ok ? 0 : 1;
}

export async function migrateStatus(ctx: CommandContext, dbUrl: string): Promise<number> {
  const status = await prismaMigrationStatus(dbUrl);
  const db = redactUrl(dbUrl);
  const ok = !status || status.failed.length === 0;
  ctx.io.result(
    status
      ? { ok, command: "migrate status", db, ...prismaJson(status) }
      : { ok, command: "migrate status", db, table: null, note: "no _prisma_migrations table" },
    statusReport(status, db),
  );
  return ok ? 0 : 1;
}
