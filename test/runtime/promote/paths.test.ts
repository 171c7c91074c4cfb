import { Client } from "pg";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { readServingMarker } from "../../../runtime/lib/promote/marker";
import { PromoteOptions, runPromote } from "../../../runtime/lib/promote/runPromote";
import { readRestoreRecord } from "../../../runtime/lib/promote/standbyState";
import { runStandbyRestore } from "../../../runtime/lib/restore/standbyRestore";
import { query, tableDigests } from "../../support/postgres";
import { APP_PASSWORD, appUrl, PromoteWorld, startPromoteWorld, userObjectOwners } from "./support";

/**
 * bloom-dr promote's three paths against real PostgreSQL, as an RDS-like master that is no
 * superuser: an empty database (off -> active), a standby holding an older restore, a standby
 * holding exactly the newest backup (fast path, and touched standbys that must not take it), and a
 * second promote on a serving database.
 */
let world: PromoteWorld;
let first: BackupManifest;

beforeAll(async () => {
  world = await startPromoteWorld("promote-paths");
  first = await world.backup("first");
});
afterAll(() => world?.destroy());

async function withMarkerSession<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function promote(targetUrl: string, manifest: BackupManifest, extra: Partial<PromoteOptions> = {}) {
  const notices: string[] = [];
  return runPromote({
    store: world.store,
    targetUrl,
    appPassword: APP_PASSWORD,
    now: world.after(manifest, 1),
    smokeQuery: "SELECT id FROM clients ORDER BY id LIMIT 5",
    onNotice: (line) => notices.push(line),
    ...extra,
  }).then((result) => ({ ...result, notices }));
}

const OUTCOME_KEYS = [
  "appRole",
  "backupId",
  "ok",
  "path",
  "phases",
  "rpoSeconds",
  "servingSince",
  "snapshotAt",
  "totalMs",
];

describe("an empty database (off -> active)", () => {
  let target: string;
  let result: Awaited<ReturnType<typeof promote>>;

  beforeAll(async () => {
    target = await world.database("empty_target");
    result = await promote(target, first);
  });

  test("restores the newest backup, validates it and reports backup, RPO, phases and the app role", async () => {
    const { outcome } = result;
    expect(Object.keys(outcome).sort()).toEqual(OUTCOME_KEYS);
    expect(outcome).toMatchObject({
      ok: true,
      path: "restored",
      backupId: first.id,
      snapshotAt: first.snapshotAt,
      rpoSeconds: 3600,
      servingSince: world.after(first, 1)().toISOString(),
      appRole: "bloom_app",
    });
    expect(Object.keys(outcome.phases)).toEqual([
      "connectMs",
      "checkMs",
      "downloadMs",
      "restoreMs",
      "validateMs",
      "roleMs",
      "smokeMs",
      "markMs",
    ]);
    const sum = Object.values(outcome.phases).reduce((a, b) => a + b!, 0);
    expect(sum).toBeCloseTo(outcome.totalMs, 3);
    expect(result.standby).toBe("no record of a validated restore by the restore job");
    expect(result.smokeQueryRows).toBe(5);
    expect(result.tables).toEqual(
      Object.fromEntries(Object.entries(first.tables).map(([t, n]) => [t, { expected: n, actual: n }])),
    );
    expect(await tableDigests(target)).toEqual(await tableDigests(world.sourceUrl));
    expect(JSON.stringify(result)).not.toContain(APP_PASSWORD);
    expect(JSON.stringify(result)).not.toContain(world.master.password);
  });

  test("the database is marked serving, inside itself", async () => {
    expect(await withMarkerSession(target, readServingMarker)).toEqual({
      since: world.after(first, 1)().toISOString(),
      backupId: first.id,
      snapshotAt: first.snapshotAt,
      path: "restored",
      promotedBy: "dr_master",
      appRole: "bloom_app",
    });
  });

  test("every object of the user schemas belongs to the app role, a plain login role", async () => {
    expect(await userObjectOwners(target)).toEqual(["bloom_app"]);
    expect(
      await query(
        world.cluster.url(),
        "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'bloom_app'",
      ),
    ).toEqual([
      {
        rolcanlogin: true,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
      },
    ]);
    // the stored password is a SCRAM verifier, never the password
    const [{ verifier }] = await query<{ verifier: string }>(
      world.cluster.url(),
      "SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = 'bloom_app'",
    );
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  test("as the app role: migrations run (new table, DDL on restored tables), roles and databases cannot be created, the marker can be read but not changed", async () => {
    const app = appUrl(target);
    await query(app, "CREATE TABLE public.app_migrations (id int PRIMARY KEY, name text)");
    await query(app, "ALTER TABLE public.clients ADD COLUMN loyalty_points int NOT NULL DEFAULT 0");
    await query(app, "CREATE INDEX clients_loyalty ON public.clients (loyalty_points)");
    await query(app, "ALTER TABLE audit.events ALTER COLUMN payload DROP NOT NULL");
    await query(app, "ALTER TYPE public.reservation_status ADD VALUE 'waitlisted'");
    await query(app, "CREATE SCHEMA reporting");
    await expect(query(app, "CREATE ROLE intruder LOGIN")).rejects.toThrow(/permission denied to create role/);
    await expect(query(app, "CREATE DATABASE elsewhere")).rejects.toThrow(/permission denied to create database/);
    // the app may read its database's marker, never change it
    expect(await query(app, "SELECT backup_id FROM bloom_dr.serving")).toEqual([{ backup_id: first.id }]);
    await expect(query(app, "DELETE FROM bloom_dr.serving")).rejects.toThrow(/permission denied for table serving/);
    await expect(query(app, "UPDATE bloom_dr.serving SET path = 'fast'")).rejects.toThrow(/permission denied/);
    await expect(query(app, "SELECT * FROM bloom_dr.restored")).rejects.toThrow(/permission denied for table restored/);
    await expect(query(app, "DROP SCHEMA bloom_dr CASCADE")).rejects.toThrow(/must be owner of schema bloom_dr/);
  });
});

describe("a second promote on a serving database", () => {
  test("changes nothing and reports since when and from which backup it serves; the app's writes survive", async () => {
    const target = await world.database("serving_target");
    const promoted = await promote(target, first);
    await query(
      appUrl(target),
      "INSERT INTO clients (id, clinic_id, full_name, email) SELECT 900001, min(id), 'Written during failover', 'failover@example.com' FROM clinics",
    );
    const newer = await world.backup("newer");
    const before = await tableDigests(target);

    const again = await promote(target, newer);
    expect(again.outcome).toEqual({
      ok: true,
      path: "already-serving",
      backupId: first.id,
      snapshotAt: first.snapshotAt,
      rpoSeconds: 3600,
      servingSince: promoted.outcome.servingSince,
      appRole: "bloom_app",
      phases: { connectMs: again.outcome.phases.connectMs },
      totalMs: again.outcome.phases.connectMs,
    });
    expect(again.standby).toBe(
      `already serving since ${promoted.outcome.servingSince} (promoted by dr_master, path restored): nothing changed`,
    );
    expect(await tableDigests(target)).toEqual(before);
    expect(await query(target, "SELECT full_name FROM clients WHERE id = 900001")).toEqual([
      { full_name: "Written during failover" },
    ]);
  });
});

describe("a standby", () => {
  test("holding an older restore: the newest backup is restored over it", async () => {
    const standby = await world.database("standby_older");
    const older = await world.backup("older");
    const restored = await runStandbyRestore({ store: world.store, targetUrl: standby });
    expect(restored.restore.manifest.id).toBe(older.id);
    await query(
      world.sourceUrl,
      "UPDATE clinics SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM clinics)",
    );
    const newest = await world.backup("newest");

    const result = await promote(standby, newest);
    expect(result.outcome).toMatchObject({ path: "restored", backupId: newest.id, rpoSeconds: 3600 });
    expect(result.standby).toBe(`the standby holds backup ${older.id}, not ${newest.id}`);
    expect(result.notices).toEqual([
      `promote: restoring backup ${newest.id} into 127.0.0.1:${world.cluster.port}/standby_older: the standby holds backup ${older.id}, not ${newest.id}`,
    ]);
    expect(await tableDigests(standby)).toEqual(await tableDigests(world.sourceUrl));
    expect(await userObjectOwners(standby)).toEqual(["bloom_app"]);
    // the restore job's record is gone with the old data: only the serving marker is left
    expect(await withMarkerSession(standby, readRestoreRecord)).toBeUndefined();
  });

  test("holding exactly the newest backup, untouched since the restore job: the fast path skips the restore", async () => {
    const standby = await world.database("standby_fast");
    const newest = await world.backup("fast");
    await runStandbyRestore({ store: world.store, targetUrl: standby, smokeQuery: "SELECT 1" });

    const result = await promote(standby, newest);
    expect(result.outcome).toMatchObject({ path: "fast", backupId: newest.id, snapshotAt: newest.snapshotAt });
    expect(Object.keys(result.outcome.phases)).toEqual(["connectMs", "checkMs", "roleMs", "smokeMs", "markMs"]);
    expect(result.tables).toEqual(
      Object.fromEntries(Object.entries(newest.tables).map(([t, n]) => [t, { expected: n, actual: n }])),
    );
    expect(result.notices[0]).toMatch(
      new RegExp(
        `^promote: fast path: 127\\.0\\.0\\.1:\\d+/standby_fast holds backup ${newest.id} as the restore job validated it at .*, untouched since: not restoring$`,
      ),
    );
    expect(await tableDigests(standby)).toEqual(await tableDigests(world.sourceUrl));
    expect(await userObjectOwners(standby)).toEqual(["bloom_app"]);
    expect(await withMarkerSession(standby, readServingMarker)).toMatchObject({ path: "fast", backupId: newest.id });
    await query(appUrl(standby), "ALTER TABLE public.payments ADD COLUMN refunded boolean NOT NULL DEFAULT false");
  });

  test("holding exactly the newest backup with partitioned tables: counted as the backup counted them (leaves alone), the fast path", async () => {
    await query(
      world.sourceUrl,
      `CREATE TABLE public.visits (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
       CREATE TABLE public.visits_2026 PARTITION OF public.visits FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
       CREATE TABLE public.visits_2027 PARTITION OF public.visits FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
       CREATE TABLE public.visits_2028 PARTITION OF public.visits FOR VALUES FROM ('2028-01-01') TO ('2029-01-01');
       INSERT INTO public.visits SELECT i, date '2026-06-01' + i::int FROM generate_series(1, 500) i;`,
    );
    const standby = await world.database("standby_partitioned");
    const newest = await world.backup("partitioned");
    expect(newest.partitions).toEqual({
      "public.visits": ["public.visits_2026", "public.visits_2027", "public.visits_2028"],
    });
    expect(newest.tables["public.visits_2026"] + newest.tables["public.visits_2027"]).toBe(500);
    expect(newest.tables["public.visits_2028"]).toBe(0);
    await runStandbyRestore({ store: world.store, targetUrl: standby, smokeQuery: "SELECT 1" });

    const result = await promote(standby, newest);
    expect(result.standby).toBe("held the backup, untouched since the restore job validated it");
    expect(result.outcome.path).toBe("fast");
    expect(result.tables).toEqual(
      Object.fromEntries(Object.entries(newest.tables).map(([t, n]) => [t, { expected: n, actual: n }])),
    );
    expect(result.tables).not.toHaveProperty(["public.visits"]);
    expect(await tableDigests(standby)).toEqual(await tableDigests(world.sourceUrl));
  });

  const touches: [string, string, RegExp][] = [
    [
      "an inserted row",
      "INSERT INTO clinics (id, name) VALUES (990001, 'Touched')",
      /^rows of public\.clinics were written since/,
    ],
    [
      "an updated row (same counts)",
      "UPDATE clients SET full_name = 'changed' WHERE id = (SELECT min(id) FROM clients)",
      /^rows of public\.clients were written since/,
    ],
    [
      "a deleted row",
      "DELETE FROM payments WHERE id = (SELECT max(id) FROM payments)",
      /^public\.payments has \d+ rows, the backup \d+$/,
    ],
    ["a new index", "CREATE INDEX touched ON clients (email)", /^its schema changed since/],
    [
      "a replaced function",
      "CREATE OR REPLACE FUNCTION public.clinic_revenue(clinic bigint) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT 0::numeric $$",
      /^catalog rows changed since the restore job validated it \(pg_proc\)$/,
    ],
    ["an advanced sequence", "SELECT nextval('public.invoice_no')", /^sequences moved since/],
  ];

  test.each(touches)("touched since the restore job (%s): restored in full", async (_what, sql, reason) => {
    const standby = await world.database(`standby_touched_${touches.findIndex(([w]) => w === _what)}`);
    const newest = await world.backup("touched");
    await runStandbyRestore({ store: world.store, targetUrl: standby });
    await query(standby, sql);

    const result = await promote(standby, newest);
    expect(result.outcome.path).toBe("restored");
    expect(result.standby).toMatch(reason);
    expect(await tableDigests(standby)).toEqual(await tableDigests(world.sourceUrl));
  });
});
