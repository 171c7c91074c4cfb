import { AlsoRun, MigrateRunResult } from "../../lib/migrate/runMigration";
import { PrismaMigration, PrismaMigrationStatus, resolveCommands } from "../../lib/migrate/prismaMigrations";
import { formatTable } from "../io";

/** A failed migration with the playbook's two ways out, for --json. */
export function failedJson(m: PrismaMigration): Record<string, unknown> {
  const { rolledBack, applied } = resolveCommands(m.name);
  return { ...m, resolve: { rolledBack, applied } };
}

export function prismaJson(status: PrismaMigrationStatus): Record<string, unknown> {
  return {
    table: status.table,
    applied: status.applied,
    rolledBack: status.rolledBack,
    failed: status.failed.map(failedJson),
    migrations: status.migrations,
    otherTables: status.otherTables,
  };
}

export function prismaSummary(status: PrismaMigrationStatus): string {
  return `${status.table}: ${status.applied} applied, ${status.failed.length} failed, ${status.rolledBack} rolled back`;
}

/** Each failed migration: its log line and the two `prisma migrate resolve` commands (SEV-3 PASO 2-6). */
export function failedMigrationLines(status: PrismaMigrationStatus, indent = ""): string[] {
  const lines: string[] = [];
  for (const m of status.failed) {
    const { rolledBack, applied } = resolveCommands(m.name);
    lines.push(
      `${indent}FAILED ${m.name} (started ${m.startedAt}, ${m.appliedStepsCount} step(s) applied)`,
      ...(m.logsFirstLine ? [`${indent}  log: ${m.logsFirstLine}`] : []),
      `${indent}  after reverting what it changed (PASO 4) or fixing it, mark it rolled back (PASO 2 B / PASO 5), fix and redeploy (PASO 6):`,
      `${indent}    ${rolledBack}`,
      `${indent}  or, when its changes were completed by hand (PASO 2 A):`,
      `${indent}    ${applied}`,
    );
  }
  return lines;
}

/** `migrate status` for people: a table of every migration, then each failed one with its ways out. */
export function statusReport(status: PrismaMigrationStatus | undefined, db: string): string {
  if (!status)
    return `migrate status ${db}: no _prisma_migrations table (not a Prisma-migrated database, or another schema: add ?schema=NAME to --db)`;
  const lines = [`migrate status ${db}`, prismaSummary(status)];
  if (status.otherTables.length > 0) lines.push(`note: also found ${status.otherTables.join(", ")} (not read)`);
  if (status.migrations.length > 0) {
    lines.push(
      "",
      formatTable([
        ["migration", "state", "started", "finished / rolled back"],
        ...status.migrations.map((m) => [m.name, m.state, m.startedAt, m.rolledBackAt ?? m.finishedAt ?? "-"]),
      ]),
    );
  }
  if (status.failed.length > 0) lines.push("", ...failedMigrationLines(status));
  return lines.join("\n");
}

/** The replica's run for --json: its Prisma table in the same shape as the primary's. */
export function alsoJson(also: AlsoRun): Record<string, unknown> {
  const { prisma, ...rest } = also;
  return { ...rest, ...(prisma !== undefined ? { prisma: prisma ? prismaJson(prisma) : null } : {}) };
}

/** `migrate run` for people: the restore point(s), how the command ended, Prisma's table, the way back. */
export function runReport(result: MigrateRunResult): string {
  const lines = [result.ok ? "migrate run: OK" : `migrate run: FAILED: ${result.failure}`];
  if (result.backup)
    lines.push(
      `  pre-migration backup  ${result.backup.id} in ${result.backup.store} (snapshot ${result.backup.snapshotAt}, label "${result.backup.label}")`,
    );
  if (result.branch)
    lines.push(
      `  pre-migration branch  ${result.branch.name} (${result.branch.branchId}) of ${result.branch.parentBranchId}, expires ${result.branch.expiresAt}: ${result.branch.url}`,
    );
  const ended = result.command.signal
    ? `killed by ${result.command.signal}`
    : result.command.exitCode === null
      ? "did not run to completion"
      : `exit ${result.command.exitCode}`;
  lines.push(`  command               ${result.command.line}: ${ended}`);
  if (result.prisma) {
    lines.push(`  prisma                ${prismaSummary(result.prisma)}`);
    lines.push(...failedMigrationLines(result.prisma, "    "));
  } else if (result.prisma === null) {
    lines.push("  prisma                no _prisma_migrations table (not a Prisma database)");
  } else {
    lines.push(`  prisma                not read: ${result.prismaError}`);
  }
  if (result.also) {
    const a = result.also;
    const how = a.skipped
      ? `not run: ${a.skipped}`
      : a.failure
        ? `FAILED: ${a.failure}`
        : `migrated${a.prisma ? ` (${prismaSummary(a.prisma)})` : ""}`;
    lines.push(`  replica               ${a.db}: ${how}`);
  }
  // a failure on the replica alone leaves the primary migrated as intended: no way back to print
  const primaryFailed = !result.ok && result.failure !== result.also?.failure;
  if (primaryFailed && result.wayBack.length > 0) {
    lines.push("  way back to the database as it was before the migration:", ...result.wayBack.map((w) => `    ${w}`));
    if (result.backup)
      lines.push(
        "    (the --target URL carries no password: set PGPASSWORD, use ~/.pgpass, or write it back into the URL)",
      );
  }
  return lines.join("\n");
}
