import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { exportRows } from "../../../runtime/lib/pitr/export";
import { importRows } from "../../../runtime/lib/pitr/import";
import { recoverRows } from "../../../runtime/lib/pitr/recover";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { waitUntil } from "../../support/processes";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";

/**
 * Ctrl-C while rows are being inserted into the target: the whole transaction is rolled back, and
 * the session that was inserting is gone when the command returns (a statement running on the
 * server does not notice that its client closed the connection; it would go on inserting).
 */
const ROWS = 15_000;
const MISSING = 12_345;

let cluster: LocalCluster;
let owner: OwnerRole;
let branch: string;
let dir: string;

/**
 * The target's inserts count themselves in a sequence (visible to other sessions at once, unlike
 * the rows) and pause now and then, so that the test can interrupt half-way.
 */
const SLOW_COUNTED_INSERTS = `
  CREATE SEQUENCE inserted_rows;
  CREATE FUNCTION count_and_pause() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF nextval('inserted_rows') % 100 = 0 THEN PERFORM pg_sleep(0.02); END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER count_and_pause BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION count_and_pause();`;

beforeAll(async () => {
  cluster = await startTestCluster("pitr-interrupt");
  owner = await createOwnerRole(cluster, "bloom_owner");
  branch = await createOwnedDatabase(cluster, owner, "branch");
  await query(
    branch,
    `CREATE TABLE items (id bigint PRIMARY KEY, note text NOT NULL, amount numeric(12, 2));
     INSERT INTO items SELECT i, 'item ' || i, i * 1.25 FROM generate_series(1, ${ROWS}) i`,
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-pitr-interrupt-"));
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of the branch that lost MISSING rows and inserts slowly. */
async function targetWithLostRows(name: string): Promise<string> {
  await query(cluster.url(), `CREATE DATABASE ${name} TEMPLATE branch OWNER ${owner.name}`);
  const url = owner.url(name);
  await query(url, `DELETE FROM items WHERE id > ${ROWS - MISSING}; ${SLOW_COUNTED_INSERTS}`);
  return url;
}

async function insertedSoFar(url: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    url,
    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM inserted_rows",
  );
  return Number(row.n);
}

async function sessionsIn(database: string): Promise<string[]> {
  const rows = await query<{ s: string }>(
    cluster.url(),
    "SELECT pid || ' ' || coalesce(query, '') AS s FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [database],
  );
  return rows.map((r) => r.s);
}

test("pitr recover interrupted mid-insert: rolled back, its session gone, and a second run recovers every row", async () => {
  const target = await targetWithLostRows("recover_target");
  const before = await tableDigests(target);
  const controller = new AbortController();
  const recovering = recoverRows({
    fromUrl: branch,
    targetUrl: target,
    tables: ["items"],
    apply: true,
    signal: controller.signal,
  }).catch((e: Error) => e);
  await waitUntil(
    "the target has inserted a thousand recovered rows",
    async () => (await insertedSoFar(target)) >= 1000,
  );
  controller.abort(new Error("interrupted by SIGINT"));

  expect(((await recovering) as Error).message).toBe(
    "pitr recover interrupted; the transaction was rolled back, nothing was changed",
  );
  expect(await sessionsIn("recover_target")).toEqual([]);
  expect(await sessionsIn("branch")).toEqual([]);
  expect(await insertedSoFar(target)).toBeLessThan(MISSING);
  expect(await tableDigests(target)).toEqual(before);

  const again = await recoverRows({ fromUrl: branch, targetUrl: target, tables: ["items"], apply: true });
  expect(again.tables).toEqual([
    { table: "public.items", missing: MISSING, existing: ROWS - MISSING, inserted: MISSING },
  ]);
  expect(await tableDigests(target)).toEqual(await tableDigests(branch));
});

test("pitr import interrupted mid-insert: rolled back and its session gone", async () => {
  const file = path.join(dir, "items.sql");
  await exportRows({ fromUrl: branch, tables: ["items"], out: file, now: () => new Date("2030-01-02T03:04:05Z") });
  const target = await targetWithLostRows("import_target");
  const before = await tableDigests(target);
  const controller = new AbortController();
  const importing = importRows({ file, targetUrl: target, apply: true, signal: controller.signal }).catch(
    (e: Error) => e,
  );
  await waitUntil(
    "the target has inserted a thousand imported rows",
    async () => (await insertedSoFar(target)) >= 1000,
  );
  controller.abort(new Error("interrupted by SIGINT"));

  expect(((await importing) as Error).message).toBe(
    `importing ${file} interrupted; the transaction was rolled back, nothing was changed`,
  );
  expect(await sessionsIn("import_target")).toEqual([]);
  expect(await tableDigests(target)).toEqual(before);
});
