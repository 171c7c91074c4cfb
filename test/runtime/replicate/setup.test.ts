import { runReplicateSetup } from "../../../runtime/lib/replicate/setup";
import { runReplicateStatus } from "../../../runtime/lib/replicate/status";
import { query, tableDigests } from "../../support/postgres";
import { ReplicaWorld, startReplicaWorld, Writer, presentIds } from "./support";

/**
 * replicate setup and status between two real clusters: the schema copied and owned by the app
 * role, a publication listing every table, a subscription whose initial copy is done when setup
 * returns, the same data on both sides, a second setup that changes nothing, and the lag measured
 * under a write load.
 */
let world: ReplicaWorld;
let replica: string;
let first: Awaited<ReturnType<typeof runReplicateSetup>>;
const NOW = new Date("2027-03-01T10:00:00.000Z");

beforeAll(async () => {
  world = await startReplicaWorld("replicate-setup");
  replica = await world.replicaDatabase("replica");
  first = await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, now: () => NOW });
});
afterAll(() => world?.destroy());

const REPLICATED = [
  "audit.events",
  "public.clients",
  "public.clinics",
  "public.payments",
  "public.reservations",
  "public.users",
];

test("setup copies the schema, publishes every table, subscribes, and returns once every table is copied", async () => {
  expect(first).toMatchObject({
    ok: true,
    action: "setup",
    changed: true,
    tables: REPLICATED.length,
    publication: "bloom_dr",
    subscription: "bloom_dr",
    source: `127.0.0.1:${world.source.port}/bloom`,
    target: `127.0.0.1:${world.target.port}/replica`,
    warnings: [],
  });
  expect(first.steps).toEqual([
    "schema copied into 127.0.0.1:" +
      world.target.port +
      "/replica (owned by bloom_app), 1 migration history row(s) copied",
    `publication bloom_dr created on the source (${REPLICATED.length} tables)`,
    `subscription bloom_dr created on 127.0.0.1:${world.target.port}/replica (slot bloom_dr on the source)`,
  ]);
  expect(first.tableStates).toEqual(REPLICATED.map((table) => ({ table, state: "ready" })));
  expect(first.schema.matches).toBe(true);
  expect(await tableDigests(replica)).toEqual(await tableDigests(world.sourceUrl));
});

test("the publication lists the tables (the migration history is each side's own), the slot is in use", async () => {
  expect(
    await query(world.sourceUrl, "SELECT schemaname || '.' || tablename AS t FROM pg_publication_tables ORDER BY 1"),
  ).toEqual(REPLICATED.map((t) => ({ t })));
  expect(await query(world.source.url(), "SELECT slot_name, active FROM pg_replication_slots")).toEqual([
    { slot_name: "bloom_dr", active: true },
  ]);
});

test("the replica's objects belong to the app role, created NOLOGIN until promote sets its password", async () => {
  const owners = await query<{ owner: string }>(
    replica,
    `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('public', 'audit') AND c.relkind IN ('r', 'S', 'v')`,
  );
  expect(owners).toEqual([{ owner: "bloom_app" }]);
  expect(
    await query(world.target.url(), "SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = 'bloom_app'"),
  ).toEqual([{ rolcanlogin: false, rolsuper: false }]);
});

test("a second setup changes nothing", async () => {
  const again = await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, now: () => NOW });
  expect(again).toMatchObject({ ok: true, changed: false, steps: [], tables: REPLICATED.length });
});

test("status under a write load: every table ready, the lag measured on the source (reported), the rows arrive", async () => {
  const writer = new Writer(world.sourceUrl, 1_000_000);
  await writer.waitFor(200);
  const status = await runReplicateStatus({ targetUrl: replica, sourceUrl: world.sourceUrl, now: () => NOW });
  await writer.stop();
  expect(status).toMatchObject({
    ok: true,
    exists: true,
    enabled: true,
    workerRunning: true,
    tablesNotSyncing: 0,
    sourceReachable: true,
    notReplicated: [],
    orphanedSlots: [],
    problems: [],
    lag: { basis: "source", atLeast: false, syncedUpTo: NOW.toISOString() },
  });
  expect(status.lag.seconds).toEqual(expect.any(Number));
  expect(status.schema?.matches).toBe(true);
  expect(status.migrations).toEqual({ onlyOnSource: [], onlyOnTarget: [] });
  // once the status check caught up, everything committed before it is on the replica
  const settled = await runReplicateStatus({ targetUrl: replica, sourceUrl: world.sourceUrl, now: () => NOW });
  expect(settled.lag).toMatchObject({ basis: "source", atLeast: false });
  expect((await presentIds(replica, writer.committed)).size).toBe(writer.committed.length);
});
