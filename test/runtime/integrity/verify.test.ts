import type { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { restoreCommandFor, verifyDatabase } from "../../../runtime/lib/integrity/verify";
import { createDatabase, query, startTestCluster } from "../../support/postgres";

let cluster: LocalCluster;
let counts: Record<string, number>;

beforeAll(async () => {
  cluster = await startTestCluster("verify");
  const template = await createDatabase(cluster, "bloom_template");
  counts = await generateBloomDatabase(template, 0.01);
  // The nullable composite keys the Bloom schema lacks: MATCH SIMPLE and MATCH FULL.
  await query(
    template,
    `CREATE TABLE visits (id int PRIMARY KEY, clinic_id bigint, client_id bigint,
       FOREIGN KEY (clinic_id, client_id) REFERENCES clients (clinic_id, id));
     CREATE TABLE referrals (id int PRIMARY KEY, clinic_id bigint, client_id bigint,
       FOREIGN KEY (clinic_id, client_id) REFERENCES clients (clinic_id, id) MATCH FULL)`,
  );
});

afterAll(async () => {
  await cluster?.destroy();
});

async function copyOfBloom(name: string): Promise<string> {
  await query(cluster.url(), `CREATE DATABASE ${name} TEMPLATE bloom_template`);
  return cluster.url(name);
}

/** Breaks referential integrity the way a bad restore or a disabled trigger would. */
async function withoutForeignKeyChecks(url: string, sql: string): Promise<void> {
  await query(url, `SET session_replication_role = replica; ${sql}`);
}

test("a consistent database has no findings; amcheck runs and is not left installed", async () => {
  const url = await copyOfBloom("clean");
  const result = await verifyDatabase({ dbUrl: url });
  expect(result.findings).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.checked).toEqual({
    foreignKeys: 7,
    constraints: expect.any(Number),
    indexes: expect.any(Number),
    tables: 7,
    amcheck: true,
  });
  expect(result.checked.indexes).toBeGreaterThanOrEqual(10);
  expect(await query(url, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).toEqual([]);
});

test("finds orphans in single-column and multi-column keys, with MATCH SIMPLE and FULL semantics, and the fix works", async () => {
  const url = await copyOfBloom("orphans");
  await withoutForeignKeyChecks(
    url,
    `DELETE FROM reservations WHERE id IN (SELECT reservation_id FROM payments ORDER BY id LIMIT 3);
     DELETE FROM clients WHERE id IN (SELECT client_id FROM reservations WHERE client_id NOT IN (SELECT client_id FROM reservations r JOIN payments p ON p.reservation_id = r.id) ORDER BY id LIMIT 2);
     INSERT INTO visits VALUES (1, 1, NULL), (2, NULL, 999999), (3, 1, 999999);
     INSERT INTO referrals VALUES (1, 1, NULL), (2, NULL, NULL);`,
  );
  const orphanPayments = Number(
    (
      await query<{ n: string }>(
        url,
        "SELECT count(*) n FROM payments WHERE reservation_id NOT IN (SELECT id FROM reservations)",
      )
    )[0].n,
  );
  const orphanReservations = Number(
    (
      await query<{ n: string }>(
        url,
        "SELECT count(*) n FROM reservations r WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = r.client_id AND c.clinic_id = r.clinic_id)",
      )
    )[0].n,
  );

  const result = await verifyDatabase({ dbUrl: url, amcheck: false });
  expect(result.ok).toBe(false);
  const byObject = Object.fromEntries(result.findings.map((f) => [f.object, f]));
  expect(Object.keys(byObject).sort()).toEqual([
    "public.payments.payments_reservation_id_fkey",
    "public.referrals.referrals_clinic_id_client_id_fkey",
    "public.reservations.reservations_clinic_id_client_id_fkey",
    "public.visits.visits_clinic_id_client_id_fkey",
  ]);
  expect(byObject["public.payments.payments_reservation_id_fkey"].detail).toMatch(
    new RegExp(
      `^${orphanPayments} row\\(s\\) of public.payments \\(reservation_id\\) reference no row of public.reservations \\(id\\); e.g. \\(\\d+\\)`,
    ),
  );
  expect(byObject["public.reservations.reservations_clinic_id_client_id_fkey"].detail).toMatch(
    new RegExp(
      `^${orphanReservations} row\\(s\\) .*\\(clinic_id, client_id\\) reference no row of public.clients \\(clinic_id, id\\); e.g. \\(\\d+, \\d+\\)`,
    ),
  );
  // MATCH SIMPLE: (1, NULL) and (NULL, 999999) are not orphans; (1, 999999) is.
  expect(byObject["public.visits.visits_clinic_id_client_id_fkey"].detail).toMatch(
    /^1 row\(s\) .* e\.g\. \(1, 999999\)$/,
  );
  // MATCH FULL: (1, NULL) breaks the key, (NULL, NULL) does not.
  expect(byObject["public.referrals.referrals_clinic_id_client_id_fkey"].detail).toMatch(
    /^1 row\(s\) .* e\.g\. \(1, NULL\)$/,
  );
  expect(byObject["public.visits.visits_clinic_id_client_id_fkey"].fixSql).toContain("UPDATE ONLY");
  expect(byObject["public.payments.payments_reservation_id_fkey"].fixSql).not.toContain("UPDATE");
  // verify changed nothing.
  expect(Number((await query<{ n: string }>(url, "SELECT count(*) n FROM payments"))[0].n)).toBe(counts.payments);

  // The proposed fixes, reviewed and run by a person, leave a consistent database.
  for (const finding of result.findings) {
    const deleteOnly = finding.fixSql!.split("-- or keep the rows")[0];
    await query(url, deleteOnly);
  }
  const after = await verifyDatabase({ dbUrl: url, amcheck: false });
  expect(after.findings).toEqual([]);
});

test("names that need quoting work end to end, fixes included", async () => {
  const url = await copyOfBloom("oddnames");
  await query(
    url,
    `CREATE SCHEMA "Sales Data";
     CREATE TABLE "Sales Data"."Order" ("Id" int, "select" int, PRIMARY KEY ("Id", "select"));
     CREATE TABLE "Sales Data"."line ""items""" (id int PRIMARY KEY, "Order Id" int, "select" int,
       CONSTRAINT "line->order" FOREIGN KEY ("Order Id", "select") REFERENCES "Sales Data"."Order");
     INSERT INTO "Sales Data"."Order" VALUES (1, 1);
     SET session_replication_role = replica;
     INSERT INTO "Sales Data"."line ""items""" VALUES (1, 1, 1), (2, 1, 2), (3, NULL, 2)`,
  );
  const result = await verifyDatabase({ dbUrl: url, amcheck: false });
  expect(result.findings.map((f) => [f.object, f.detail])).toEqual([
    [
      'Sales Data.line "items".line->order',
      '1 row(s) of Sales Data.line "items" (Order Id, select) reference no row of Sales Data.Order (Id, select); e.g. (1, 2)',
    ],
  ]);
  await query(url, result.findings[0].fixSql!);
  expect((await verifyDatabase({ dbUrl: url, amcheck: false })).ok).toBe(true);
  expect(await query(url, `SELECT id FROM "Sales Data"."line ""items""" ORDER BY id`)).toEqual([{ id: 1 }, { id: 3 }]);
});

test("lists NOT VALID constraints with the VALIDATE statement", async () => {
  const url = await copyOfBloom("notvalid");
  await query(url, "ALTER TABLE payments ADD CONSTRAINT amount_below_million CHECK (amount < 1000000) NOT VALID");
  const result = await verifyDatabase({ dbUrl: url, amcheck: false });
  expect(result.findings).toEqual([
    {
      check: "constraint-not-valid",
      object: "public.payments.amount_below_million",
      detail:
        "check constraint amount_below_million on table public.payments is NOT VALID: existing rows were never checked against it",
      fixSql: `ALTER TABLE "public"."payments" VALIDATE CONSTRAINT "amount_below_million";`,
    },
  ]);
  await query(url, result.findings[0].fixSql!);
  expect((await verifyDatabase({ dbUrl: url, amcheck: false })).ok).toBe(true);
});

test("amcheck finds an index whose entries no longer match the heap", async () => {
  const url = await copyOfBloom("badindex");
  // An expression index over a function declared IMMUTABLE that is then redefined: the index
  // keeps the old values, exactly the damage a collation or glibc upgrade does to text indexes.
  await query(
    url,
    `CREATE FUNCTION shifted(x bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS 'SELECT x';
     CREATE INDEX clinics_shifted_idx ON clinics (shifted(id));
     CREATE OR REPLACE FUNCTION shifted(x bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS 'SELECT x + 1000'`,
  );
  const result = await verifyDatabase({ dbUrl: url });
  expect(result.checked.amcheck).toBe(true);
  expect(result.findings).toHaveLength(1);
  expect(result.findings[0]).toMatchObject({
    check: "index-corrupt",
    object: "public.clinics_shifted_idx",
    fixSql: `REINDEX INDEX CONCURRENTLY "public"."clinics_shifted_idx";`,
  });
  expect(result.findings[0].detail).toMatch(
    /^amcheck failed on index public.clinics_shifted_idx of public.clinics: .*lacks matching index tuple/,
  );
  expect(await query(url, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).toEqual([]);
});

test("a role that may not create amcheck gets the other checks and a note saying why amcheck was skipped", async () => {
  const url = await copyOfBloom("unprivileged");
  await query(url, "CREATE ROLE app LOGIN PASSWORD 'app-pw'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO app");
  const appUrl = url.replace(/\/\/postgres:[^@]*@/, "//app:app-pw@");
  const result = await verifyDatabase({ dbUrl: appUrl });
  expect(result.ok).toBe(true);
  expect(result.checked).toMatchObject({ foreignKeys: 7, amcheck: false, indexes: 0 });
  expect(result.notes).toEqual([
    expect.stringMatching(
      /^amcheck skipped: could not create the extension temporarily \(permission denied to create extension "amcheck"\); a superuser can run CREATE EXTENSION amcheck$/,
    ),
  ]);
});

test("compares exact row counts with a backup manifest", async () => {
  const url = await copyOfBloom("counts");
  await query(
    url,
    `DELETE FROM payments WHERE id <= 7; CREATE TABLE "Odd Table" (id int); INSERT INTO "Odd Table" VALUES (1), (2)`,
  );
  const manifest = {
    id: "20261127T000000Z-test",
    tables: {
      "public.clinics": counts.clinics,
      "public.users": counts.users,
      "public.clients": counts.clients,
      "public.reservations": counts.reservations,
      "public.payments": counts.payments,
      "public.invoices": 12,
      'public."Odd Table"': 3, // manifests name tables as format('%I.%I') does
    },
  } as unknown as BackupManifest;
  const result = await verifyDatabase({ dbUrl: url, manifest, store: "s3://bloom-vault/production", amcheck: false });
  expect(result.findings[0].fixSql).toContain(
    "bloom-dr restore --store s3://bloom-vault/production --backup 20261127T000000Z-test --target URL",
  );
  expect(result.findings.map((f) => [f.check, f.object, f.detail])).toEqual([
    [
      "row-count",
      "public.payments",
      `public.payments has ${counts.payments - 7} rows; backup 20261127T000000Z-test recorded ${counts.payments} (-7)`,
    ],
    [
      "row-count",
      "public.invoices",
      "table public.invoices is in backup 20261127T000000Z-test (12 rows) but not in the database",
    ],
    ["row-count", 'public."Odd Table"', 'public."Odd Table" has 2 rows; backup 20261127T000000Z-test recorded 3 (-1)'],
  ]);
  expect(result.checked.tables).toBe(7);
  expect(result.notes).toContain(
    "not in backup 20261127T000000Z-test (created after it?): public.referrals, public.visits",
  );
});

test("an unreachable database is a one-line error without the password", async () => {
  const url = `postgresql://postgres:s3cret-pw@127.0.0.1:1/nowhere`;
  await expect(verifyDatabase({ dbUrl: url })).rejects.toThrow(
    /^cannot connect to the database to verify: .*check --db/,
  );
  await expect(verifyDatabase({ dbUrl: url })).rejects.not.toThrow(/s3cret-pw/);
});

test.each([
  [undefined, "bloom-dr restore --store STORE --backup B --target URL"],
  ["s3://bloom-vault/production", "bloom-dr restore --store s3://bloom-vault/production --backup B --target URL"],
  ["file:///var/backups/bloom%20dr", "bloom-dr restore --store file:///var/backups/bloom%20dr --backup B --target URL"],
  ["/tmp/it's here", "bloom-dr restore --store '/tmp/it'\\''s here' --backup B --target URL"],
])("the restore hint for store %p names it, quoted for a shell when needed", (store, expected) => {
  expect(restoreCommandFor(store, "B")).toBe(expected);
});
