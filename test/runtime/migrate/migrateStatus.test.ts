/**
 * `migrate status` against Prisma's real migration table (Prisma's own DDL) in a real PostgreSQL,
 * read as a non-superuser owner role.
 */
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import {
  chooseMigrationsSchema,
  firstLogLine,
  migrationState,
  prismaMigrationStatus,
  resolveCommands,
} from "../../../runtime/lib/migrate/prismaMigrations";
import { query, startTestCluster } from "../../support/postgres";
import { lines, startCli } from "../cli/runCli";

/** Prisma's DDL for the table, as its schema engine creates it on PostgreSQL. */
const PRISMA_MIGRATIONS_DDL = (schema: string) => `CREATE TABLE "${schema}"."_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const CHECKSUM = "a".repeat(64);
const FAILED_LOGS = `\n  Database error code: 23502\n\nDatabase error:\nERROR: column "zone" of relation "clinics" contains null values\n`;

let cluster: LocalCluster;
let n = 0;

async function appDatabase(): Promise<{ url: string; name: string }> {
  const name = `status_${++n}`;
  await query(cluster.url(), `CREATE DATABASE ${name} OWNER app`);
  return { url: `postgresql://app:app-pw@127.0.0.1:${cluster.port}/${name}`, name };
}

/** Three applied, one failed, one rolled back (then re-applied under the same name, as Prisma does). */
async function seedMigrations(url: string, schema = "public"): Promise<void> {
  await query(url, PRISMA_MIGRATIONS_DDL(schema));
  const rows: [string, string, string | null, string | null, number, string | null][] = [
    ["20250101000000_init", "2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z", null, 1, null],
    ["20250102000000_rooms", "2025-01-02T00:00:00Z", null, "2025-01-02T01:00:00Z", 0, "ERROR: lock timeout"],
    ["20250102000000_rooms", "2025-01-02T02:00:00Z", "2025-01-02T02:00:01Z", null, 1, null],
    ["20250103000000_payments", "2025-01-03T00:00:00Z", "2025-01-03T00:00:02Z", null, 1, null],
    ["20250104000000_zone_not_null", "2025-01-04T00:00:00Z", null, null, 0, FAILED_LOGS],
  ];
  for (const [i, [name, started, finished, rolledBack, steps, logs]] of rows.entries()) {
    await query(
      url,
      `INSERT INTO "${schema}"._prisma_migrations
         (id, checksum, migration_name, started_at, finished_at, rolled_back_at, applied_steps_count, logs)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [`00000000-0000-0000-0000-00000000000${i}`, CHECKSUM, name, started, finished, rolledBack, steps, logs],
    );
  }
}

beforeAll(async () => {
  cluster = await startTestCluster("migrate-status");
  await query(cluster.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
});

afterAll(async () => {
  await cluster?.destroy();
});

describe("prismaMigrationStatus", () => {
  test("applied, failed and rolled-back rows, in order, with the failed one's first log line", async () => {
    const db = await appDatabase();
    await seedMigrations(db.url);
    const status = await prismaMigrationStatus(db.url);
    expect(status).toEqual({
      table: "public._prisma_migrations",
      applied: 3,
      rolledBack: 1,
      otherTables: [],
      failed: [
        {
          name: "20250104000000_zone_not_null",
          state: "failed",
          startedAt: "2025-01-04T00:00:00.000Z",
          finishedAt: null,
          rolledBackAt: null,
          appliedStepsCount: 0,
          logsFirstLine: "Database error code: 23502",
        },
      ],
      migrations: [
        expect.objectContaining({ name: "20250101000000_init", state: "applied" }),
        expect.objectContaining({
          name: "20250102000000_rooms",
          state: "rolled back",
          logsFirstLine: "ERROR: lock timeout",
        }),
        expect.objectContaining({ name: "20250102000000_rooms", state: "applied" }),
        expect.objectContaining({ name: "20250103000000_payments", state: "applied" }),
        expect.objectContaining({ name: "20250104000000_zone_not_null", state: "failed" }),
      ],
    });
  });

  test("a database without the table: undefined", async () => {
    const db = await appDatabase();
    expect(await prismaMigrationStatus(db.url)).toBeUndefined();
  });

  test("?schema= picks Prisma's schema; the other table is named, not read", async () => {
    const db = await appDatabase();
    await query(db.url, "CREATE SCHEMA app AUTHORIZATION app");
    await seedMigrations(db.url, "app");
    await query(db.url, PRISMA_MIGRATIONS_DDL("public"));
    const status = await prismaMigrationStatus(`${db.url}?schema=app`);
    expect(status).toMatchObject({
      table: "app._prisma_migrations",
      applied: 3,
      otherTables: ["public._prisma_migrations"],
    });
    expect(status!.failed.map((m) => m.name)).toEqual(["20250104000000_zone_not_null"]);
    expect(await prismaMigrationStatus(db.url)).toMatchObject({ table: "public._prisma_migrations", applied: 0 });
  });
});

describe("pure rules", () => {
  test.each([
    [{ finishedAt: null, rolledBackAt: null }, "failed"],
    [{ finishedAt: new Date(0), rolledBackAt: null }, "applied"],
    [{ finishedAt: null, rolledBackAt: new Date(0) }, "rolled back"],
    [{ finishedAt: new Date(0), rolledBackAt: new Date(0) }, "rolled back"],
  ])("migrationState(%o) = %s", (row, state) => {
    expect(migrationState(row)).toBe(state);
  });

  test.each([
    [null, null],
    ["", null],
    ["\n\n  first  \nsecond", "first"],
    ["x".repeat(250), `${"x".repeat(199)}…`],
  ])("firstLogLine(%j) = %j", (logs, line) => {
    expect(firstLogLine(logs)).toBe(line);
  });

  test.each([
    [["public"], ["public"], undefined, "public"],
    [["app", "public"], ["app", "public"], undefined, "public"],
    [["app", "other"], ["other", "public"], undefined, "other"],
    [["app"], ["public"], undefined, "app"],
    [["app", "other"], ["public"], undefined, undefined],
    [["app", "public"], ["public"], "app", "app"],
    [["public"], ["public"], "app", undefined],
  ])("chooseMigrationsSchema(%j, path %j, url %s) = %s", (candidates, path, urlSchema, chosen) => {
    expect(chooseMigrationsSchema(candidates, path, urlSchema)).toBe(chosen);
  });

  test("resolve commands quote names a shell would split", () => {
    expect(resolveCommands("20250104000000_zone")).toEqual({
      rolledBack: "npx prisma migrate resolve --rolled-back 20250104000000_zone",
      applied: "npx prisma migrate resolve --applied 20250104000000_zone",
    });
    expect(resolveCommands("it's x").rolledBack).toBe("npx prisma migrate resolve --rolled-back 'it'\\''s x'");
  });
});

describe("bloom-dr migrate status", () => {
  test("a failed migration: exit 1, the table, the failed one with its log line and both ways out", async () => {
    const db = await appDatabase();
    await seedMigrations(db.url);
    const run = await startCli(["migrate", "status", "--db", db.url]).done;
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out.slice(0, 2)).toEqual([
      `migrate status postgresql://app:***@127.0.0.1:${cluster.port}/${db.name}`,
      "public._prisma_migrations: 3 applied, 1 failed, 1 rolled back",
    ]);
    expect(out).toContain(
      "20250102000000_rooms          rolled back  2025-01-02T00:00:00.000Z  2025-01-02T01:00:00.000Z",
    );
    expect(out.slice(-6)).toEqual([
      "FAILED 20250104000000_zone_not_null (started 2025-01-04T00:00:00.000Z, 0 step(s) applied)",
      "  log: Database error code: 23502",
      "  after reverting what it changed (PASO 4) or fixing it, mark it rolled back (PASO 2 B / PASO 5), fix and redeploy (PASO 6):",
      "    npx prisma migrate resolve --rolled-back 20250104000000_zone_not_null",
      "  or, when its changes were completed by hand (PASO 2 A):",
      "    npx prisma migrate resolve --applied 20250104000000_zone_not_null",
    ]);
    expect(run.stdout).not.toContain("app-pw");
  });

  test("--json: one object with the failed migration's resolve commands", async () => {
    const db = await appDatabase();
    await seedMigrations(db.url);
    const run = await startCli(["migrate", "status", "--db", db.url, "--json"]).done;
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toHaveLength(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      ok: false,
      command: "migrate status",
      table: "public._prisma_migrations",
      applied: 3,
      rolledBack: 1,
    });
    expect(json.failed).toEqual([
      expect.objectContaining({
        name: "20250104000000_zone_not_null",
        resolve: {
          rolledBack: "npx prisma migrate resolve --rolled-back 20250104000000_zone_not_null",
          applied: "npx prisma migrate resolve --applied 20250104000000_zone_not_null",
        },
      }),
    ]);
    expect(json.migrations).toHaveLength(5);
  });

  test("no _prisma_migrations table: says so, exit 0", async () => {
    const db = await appDatabase();
    const run = await startCli(["migrate", "status", "--db", db.url, "--json"]).done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: true,
      command: "migrate status",
      db: `postgresql://app:***@127.0.0.1:${cluster.port}/${db.name}`,
      table: null,
      note: "no _prisma_migrations table",
    });
  });

  test("all applied: exit 0", async () => {
    const db = await appDatabase();
    await seedMigrations(db.url);
    await query(
      db.url,
      "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '20250104000000_zone_not_null'",
    );
    const run = await startCli(["migrate", "status", "--db", db.url]).done;
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[1]).toBe("public._prisma_migrations: 3 applied, 0 failed, 2 rolled back");
  });

  test("an unreachable database: one line, exit 1", async () => {
    const run = await startCli(["migrate", "status", "--db", `postgresql://app:bad@127.0.0.1:${cluster.port}/nope`])
      .done;
    expect(run.code).toBe(1);
    expect(lines(run.stderr).filter((l) => l.startsWith("bloom-dr"))).toEqual([
      `bloom-dr migrate status: cannot connect to the database 127.0.0.1:${cluster.port}/nope: password authentication failed for user "app"; check the URL, the user and the password`,
    ]);
  });
});
