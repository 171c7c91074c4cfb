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
/** No test depends on how fast replication is: the lag limit is out of reach (the probe waits for the replica). */
const NO_LAG_LIMIT = 3600;

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
  const status = await runReplicateStatus({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    now: () => NOW,
    maxLagSeconds: NO_LAG_LIMIT,
  });
  await writer.stop();
  expect(writer.error).toBeUndefined();
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
  const settled = await runReplicateStatus({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    now: () => NOW,
    maxLagSeconds: NO_LAG_LIMIT,
  });
  expect(settled.lag).toMatchObject({ basis: "source", atLeast: false });
  expect(writer.committed.length).toBeGreaterThanOrEqual(200);
  expect((await presentIds(replica, writer.committed)).size).toBe(writer.committed.length);
});

describe("DDL: logical replication carries rows, not schema changes", () => {
  test("a column added on the source only is a schema difference status reports (exit 1), until the replica has it too", async () => {
    await query(world.sourceUrl, "ALTER TABLE clients ADD COLUMN loyalty_points integer NOT NULL DEFAULT 0");
    const status = await runReplicateStatus({
      targetUrl: replica,
      sourceUrl: world.sourceUrl,
      now: () => NOW,
      maxLagSeconds: NO_LAG_LIMIT,
    });
    expect(status.ok).toBe(false);
    expect(status.schema).toMatchObject({
      matches: false,
      onlyOnSource: ["column public.clients.loyalty_points integer not null default 0"],
      onlyOnTarget: [],
    });
    expect(status.problems).toEqual([
      'the schemas differ: source has "column public.clients.loyalty_points integer not null default 0": apply the migration to the side that lacks it',
    ]);
    await query(replica, "ALTER TABLE clients ADD COLUMN loyalty_points integer NOT NULL DEFAULT 0");
    const fixed = await runReplicateStatus({
      targetUrl: replica,
      sourceUrl: world.sourceUrl,
      now: () => NOW,
      maxLagSeconds: NO_LAG_LIMIT,
    });
    expect(fixed).toMatchObject({ ok: true, problems: [], schema: { matches: true } });
  });

  test("a table created on the source only is not replicated: status says so, setup refuses until the replica has it, then adds it", async () => {
    await query(
      world.sourceUrl,
      "CREATE TABLE rooms (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL); INSERT INTO rooms (name) VALUES ('A'), ('B')",
    );
    const status = await runReplicateStatus({
      targetUrl: replica,
      sourceUrl: world.sourceUrl,
      now: () => NOW,
      maxLagSeconds: NO_LAG_LIMIT,
    });
    expect(status).toMatchObject({ ok: false, notReplicated: ["public.rooms"], tablesNotSyncing: 1 });
    expect(status.problems).toContain(
      "1 source table(s) are not replicated: public.rooms: apply their migration to the replica (migrate run --also) and run replicate setup again",
    );
    await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, now: () => NOW })).rejects.toThrow(
      `replicate setup of 127.0.0.1:${world.target.port}/replica failed: 1 table(s) of the source are not on the replica 127.0.0.1:${world.target.port}/replica: public.rooms; apply the migration to the replica too (bloom-dr migrate run --also URL) and run setup again, or rebuild it with setup --clean`,
    );
    await query(
      replica,
      "CREATE TABLE rooms (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL)",
    );
    const added = await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, now: () => NOW });
    expect(added).toMatchObject({ changed: true, tables: REPLICATED.length + 1 });
    expect(added.steps).toEqual([
      "1 object(s) given to bloom_app",
      `publication bloom_dr altered on the source (${REPLICATED.length + 1} tables)`,
      "subscription bloom_dr refreshed (added public.rooms)",
    ]);
    expect(await query(replica, "SELECT id, name FROM rooms ORDER BY id")).toEqual([
      { id: "1", name: "A" },
      { id: "2", name: "B" },
    ]);
    await query(world.sourceUrl, "INSERT INTO rooms (name) VALUES ('C')");
    const after = await runReplicateStatus({
      targetUrl: replica,
      sourceUrl: world.sourceUrl,
      now: () => NOW,
      maxLagSeconds: NO_LAG_LIMIT,
    });
    expect(after).toMatchObject({ ok: true, notReplicated: [], tablesNotSyncing: 0 });
    expect(await query(replica, "SELECT name FROM rooms WHERE id = 3")).toEqual([{ name: "C" }]);
  });
});
