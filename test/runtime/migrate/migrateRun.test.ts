/**
 * `migrate run` against a real PostgreSQL cluster, as a non-superuser owner role: a pre-migration
 * backup through the normal backup path, a real migration command (a node script that behaves
 * like `prisma migrate deploy`), Prisma's real migration table, and the printed way back, run.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { defaultLabel, runMigration, urlWithoutPassword } from "../../../runtime/lib/migrate/runMigration";
import { openStore } from "../../../runtime/lib/store/openStore";
import { listBackups } from "../../../runtime/lib/catalog";
import { query, startTestCluster } from "../../support/postgres";
import { cli, lines, startCli } from "../cli/runCli";

const MIGRATE = path.join(__dirname, "fixtures", "prismaLikeMigrate.js");
const NOW = new Date("2025-03-09T08:10:00.000Z");

let cluster: LocalCluster;
let work: string;
let n = 0;

/** A fresh database owned by the non-superuser `app`, with one table and three rows. */
async function appDatabase(): Promise<{ url: string; name: string }> {
  const name = `mig_${++n}`;
  await query(cluster.url(), `CREATE DATABASE ${name} OWNER app`);
  const url = `postgresql://app:app-pw@127.0.0.1:${cluster.port}/${name}`;
  await query(url, "CREATE TABLE clinics (id int PRIMARY KEY, name text NOT NULL)");
  await query(url, "INSERT INTO clinics VALUES (1, 'Norte'), (2, 'Sur'), (3, 'Centro')");
  return { url, name };
}

function freshStore(): string {
  return path.join(mkdtempSync(path.join(work, "store-")), "backups");
}

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ t: string }>(
    url,
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

beforeAll(async () => {
  cluster = await startTestCluster("migrate-run");
  await query(cluster.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw' CREATEDB");
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-migrate-test-"));
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("runMigration", () => {
  test("a succeeding command: backup first (labelled), the command's output, Prisma's table with one applied migration", async () => {
    const db = await appDatabase();
    const storeDir = freshStore();
    const command = [process.execPath, MIGRATE, "20250309_add_rooms", "CREATE TABLE rooms (id int PRIMARY KEY)"];
    const phases: string[] = [];
    const result = await runMigration({
      dbUrl: db.url,
      store: openStore(storeDir),
      command,
      passthrough: "capture",
      env: { ...process.env, DATABASE_URL: db.url },
      now: () => NOW,
      onPhase: (p) => phases.push(p),
    });
    expect(phases).toEqual(["backup", "migration", "status"]);
    expect(result.ok).toBe(true);
    expect(result.failure).toBeUndefined();
    const backups = await listBackups(openStore(storeDir));
    expect(backups.map((b) => b.id)).toEqual([result.backup!.id]);
    expect(result.backup!.id.startsWith("20250309T081000000Z-")).toBe(true);
    // shortened to 200 characters, so how much of it shows depends on where the checkout lives
    const label = `before migration: ${process.execPath} ${MIGRATE} 20250309_add_rooms 'CREATE TABLE rooms (id int PRIMARY KEY)'`;
    expect(backups[0].label).toBe(label.length > 200 ? `${label.slice(0, 199)}…` : label);
    // the backup holds the database as it was before the migration: no rooms table, no migration table
    expect(backups[0].tables).toEqual({ "public.clinics": 3 });
    expect(result.command.exitCode).toBe(0);
    expect(result.command.output).toBe(
      [
        `argv: ${JSON.stringify(command.slice(2))}`,
        "Applying migration `20250309_add_rooms`",
        "All migrations have been successfully applied.",
        "",
      ].join("\n"),
    );
    expect(result.prisma).toMatchObject({ table: "public._prisma_migrations", applied: 1, failed: [], rolledBack: 0 });
    expect(result.prisma!.migrations.map((m) => [m.name, m.state, m.appliedStepsCount])).toEqual([
      ["20250309_add_rooms", "applied", 1],
    ]);
    expect(await tables(db.url)).toEqual(["_prisma_migrations", "clinics", "rooms"]);
  });

  test("a failing command: not ok, the failed row with its log line, the exact restore command back to the backup", async () => {
    const db = await appDatabase();
    const storeDir = freshStore();
    const result = await runMigration({
      dbUrl: db.url,
      store: openStore(storeDir),
      label: "before migration 42",
      command: [
        process.execPath,
        MIGRATE,
        "20250309_bad",
        "ALTER TABLE clinics ADD COLUMN zone int; SELECT * FROM nope",
      ],
      passthrough: "capture",
      env: { ...process.env, DATABASE_URL: db.url },
      now: () => NOW,
    });
    expect(result.ok).toBe(false);
    expect(result.failure).toBe(
      `${process.execPath} ${MIGRATE} 20250309_bad 'ALTER TABLE clinics ADD COLUMN zone int; SELECT * FROM nope' exited with code 1`,
    );
    expect(result.backup).toMatchObject({ label: "before migration 42", store: `file://${storeDir}` });
    expect(result.prisma!.failed).toEqual([
      expect.objectContaining({
        name: "20250309_bad",
        state: "failed",
        finishedAt: null,
        rolledBackAt: null,
        appliedStepsCount: 0,
        logsFirstLine: "Database error code: 42P01",
      }),
    ]);
    expect(result.wayBack).toEqual([
      `bloom-dr restore --store file://${storeDir} --backup ${result.backup!.id} --target postgresql://app@127.0.0.1:${cluster.port}/${db.name} --clean`,
    ]);
    expect(result.command.output).toContain('relation "nope" does not exist');
  });

  test("when the backup fails the command never runs", async () => {
    const db = await appDatabase();
    const storeDir = freshStore();
    const marker = path.join(work, "ran-marker");
    await expect(
      runMigration({
        dbUrl: db.url.replace("app-pw", "wrong-pw"),
        store: openStore(storeDir),
        command: ["sh", "-c", 'touch "$1"', "sh", marker],
        passthrough: "capture",
      }),
    ).rejects.toThrow(
      /^pre-migration backup failed: cannot connect to the source database 127\.0\.0\.1:\d+\/mig_\d+: password authentication failed for user "app"; .*; the migration was not run$/,
    );
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(storeDir) ? readdirSync(storeDir) : []).toEqual([]);
  });

  test("any migration tool: without _prisma_migrations the run reports no Prisma table", async () => {
    const db = await appDatabase();
    const result = await runMigration({
      dbUrl: db.url,
      store: openStore(freshStore()),
      command: ["sh", "-c", "echo migrated"],
      passthrough: "capture",
    });
    expect(result).toMatchObject({ ok: true, prisma: null, command: { exitCode: 0, output: "migrated\n" } });
  });

  test("a command that does not exist fails in one line, after the backup", async () => {
    const db = await appDatabase();
    const storeDir = freshStore();
    const result = await runMigration({
      dbUrl: db.url,
      store: openStore(storeDir),
      command: ["bloom-dr-no-such-migrator", "deploy"],
      passthrough: "capture",
    });
    expect(result.ok).toBe(false);
    expect(result.failure).toBe(
      "could not start bloom-dr-no-such-migrator deploy: bloom-dr-no-such-migrator was not found: install it or give its path",
    );
    expect(await listBackups(openStore(storeDir))).toHaveLength(1);
  });

  test("a command that exits 0 while Prisma's table holds a failed migration is not a success", async () => {
    const db = await appDatabase();
    const env = { ...process.env, DATABASE_URL: db.url };
    await runMigration({
      dbUrl: db.url,
      store: openStore(freshStore()),
      command: [process.execPath, MIGRATE, "20250101_broken", "SELECT 1/0"],
      passthrough: "capture",
      env,
    });
    const result = await runMigration({
      dbUrl: db.url,
      store: openStore(freshStore()),
      command: ["true"],
      passthrough: "capture",
      env,
    });
    expect(result.ok).toBe(false);
    expect(result.failure).toBe(
      "true exited 0 but public._prisma_migrations has 1 failed migration(s): 20250101_broken",
    );
  });

  test.each([
    ["postgresql://app:s3cret@db.example/bloom?sslmode=require", "postgresql://app@db.example/bloom?sslmode=require"],
    ["postgres://app@db.example:5433/bloom", "postgres://app@db.example:5433/bloom"],
  ])("urlWithoutPassword(%s)", (url, expected) => {
    expect(urlWithoutPassword(url)).toBe(expected);
  });

  test("the default label names the command without a password in it", () => {
    expect(defaultLabel(["psql", "postgresql://app:s3cret@h/db", "-f", "m.sql"])).toBe(
      "before migration: psql postgresql://app:***@h/db -f m.sql",
    );
  });
});

describe("bloom-dr migrate run", () => {
  test("everything after -- reaches the command untouched, options included (--help and --json too); --json keeps stdout to one object", async () => {
    const db = await appDatabase();
    const storeDir = freshStore();
    const { done } = startCli(
      [
        "migrate",
        "run",
        "--db",
        db.url,
        "--store",
        storeDir,
        "--json",
        "--",
        process.execPath,
        MIGRATE,
        "20250309_idx",
        "CREATE INDEX clinics_name ON clinics (name)",
        "--schema",
        "prisma/schema.prisma",
        "--label",
        "--help",
        "--json",
      ],
      { ...process.env, DATABASE_URL: db.url },
    );
    const run = await done;
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      ok: true,
      command: "migrate run",
      db: `postgresql://app:***@127.0.0.1:${cluster.port}/${db.name}`,
      migration: { exitCode: 0, signal: null },
      prisma: { table: "public._prisma_migrations", applied: 1, failed: [], rolledBack: 0 },
    });
    expect(run.stderr).toContain(
      `argv: ${JSON.stringify(["20250309_idx", "CREATE INDEX clinics_name ON clinics (name)", "--schema", "prisma/schema.prisma", "--label", "--help", "--json"])}`,
    );
    expect(run.stdout + run.stderr).not.toContain("app-pw");
  });

  test("a failing migration exits 1 naming the backup, the restore command and Prisma's failed row; that command brings the database back", async () => {
    const db = await appDatabase();
    const storeDir = freshStore();
    const run = await startCli(
      [
        "migrate",
        "run",
        "--db",
        db.url,
        "--store",
        storeDir,
        "--",
        process.execPath,
        MIGRATE,
        "20250309_drop",
        "DROP TABLE clinics; CREATE TABLE clinics_v2 (id int); SELECT 1/0",
      ],
      { ...process.env, DATABASE_URL: db.url },
    ).done;
    expect(run.code).toBe(1);
    const [backup] = await listBackups(openStore(storeDir));
    const restore = `bloom-dr restore --store file://${storeDir} --backup ${backup.id} --target postgresql://app@127.0.0.1:${cluster.port}/${db.name} --clean`;
    // the command's own output passes through on stdout, then the report
    const all = lines(run.stdout);
    expect(all.slice(0, 2)).toEqual([
      `argv: ${JSON.stringify(["20250309_drop", "DROP TABLE clinics; CREATE TABLE clinics_v2 (id int); SELECT 1/0"])}`,
      "Applying migration `20250309_drop`",
    ]);
    const out = all.slice(2);
    expect(out[0]).toBe(
      `migrate run: FAILED: ${process.execPath} ${MIGRATE} 20250309_drop 'DROP TABLE clinics; CREATE TABLE clinics_v2 (id int); SELECT 1/0' exited with code 1`,
    );
    expect(out).toContain(
      `  pre-migration backup  ${backup.id} in file://${storeDir} (snapshot ${backup.snapshotAt}, label "${backup.label}")`,
    );
    expect(out).toContain("  prisma                public._prisma_migrations: 0 applied, 1 failed, 0 rolled back");
    expect(out).toContain("      log: Database error code: 22012");
    expect(out).toContain("        npx prisma migrate resolve --rolled-back 20250309_drop");
    expect(out).toContain("        npx prisma migrate resolve --applied 20250309_drop");
    expect(out.slice(-3)).toEqual([
      "  way back to the database as it was before the migration:",
      `    ${restore}`,
      "    (the --target URL carries no password: set PGPASSWORD, use ~/.pgpass, or write it back into the URL)",
    ]);
    expect(run.stdout + run.stderr).not.toContain("app-pw");

    // the statement ran as one implicit transaction and failed, so clinics is still there; make the
    // damage real, then follow the printed way back
    await query(db.url, "DROP TABLE clinics");
    // the printed URL has no password: libpq and node-postgres take it from the password file
    const pgpass = path.join(work, "pgpass");
    writeFileSync(pgpass, `127.0.0.1:${cluster.port}:*:app:app-pw\n`, { mode: 0o600 });
    const back = await startCli(restore.split(" ").slice(1), { ...process.env, PGPASSFILE: pgpass }).done;
    expect(back.stderr).not.toMatch(/bloom-dr restore: /);
    expect(back.code).toBe(0);
    expect(await tables(db.url)).toEqual(["clinics"]);
    expect(await query(db.url, "SELECT id, name FROM clinics ORDER BY id")).toEqual([
      { id: 1, name: "Norte" },
      { id: 2, name: "Sur" },
      { id: 3, name: "Centro" },
    ]);
  });

  test.each([
    [["migrate", "run", "--db", "postgresql://a:b@h/db", "--store", "/tmp/x"], /no migration command: put it after --/],
    [["migrate", "run", "--db", "postgresql://a:b@h/db", "--", "true"], /--store is required: .*or --branch/],
    [["migrate", "run", "--store", "/tmp/x", "--", "true"], /--db is required/],
    [
      ["migrate", "run", "--db", "postgresql://a:b@h/db", "--store", "/tmp/x", "--neon-project", "p", "--", "true"],
      /--neon-project applies to --branch only/,
    ],
  ])("usage error %#: one line, exit 2", async (args, message) => {
    const env = { ...process.env };
    delete env.NEON_API_KEY;
    const run = await startCli(args, env).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  test("--branch without NEON_API_KEY is a usage error before anything runs", async () => {
    const env = { ...process.env };
    delete env.NEON_API_KEY;
    const run = await startCli(
      ["migrate", "run", "--db", "postgresql://a:b@h/db", "--branch", "--json", "--", "true"],
      env,
    ).done;
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      command: "migrate run",
      error: "--branch needs NEON_API_KEY in the environment (a Neon API key for the project)",
    });
  });

  test("--help shows the full form with --", async () => {
    const run = await cli("migrate", "run", "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "In full: bloom-dr migrate run --db URL --store STORE [--label TEXT] [--branch] [--also URL] -- COMMAND [ARGS...]",
    );
  });
});
