import { Client } from "pg";
import { readServingMarker } from "../../../runtime/lib/promote/marker";
import { PromoteResult, runPromote } from "../../../runtime/lib/promote/runPromote";
import { runReplicateSetup } from "../../../runtime/lib/replicate/setup";
import { query } from "../../support/postgres";
import { APP_PASSWORD, asApp, presentIds, ReplicaWorld, slotsOn, startReplicaWorld, Writer } from "./support";

/**
 * promote on a logical replica whose source is still up (a planned failover, or Neon degraded but
 * answering): it waits for the replica to apply everything the source had when promote started,
 * so no row committed before that is lost, then drops the subscription and its slot, sets the
 * sequences from the source and past every replicated id, and marks the replica serving. No store
 * is given: the replica path uses no backup.
 */
let world: ReplicaWorld;
let replica: string;
let writer: Writer;
let ackedBeforePromote: number[];
let result: PromoteResult;
const SET_UP_AT = new Date("2027-03-01T09:00:00.000Z");
const PROMOTED_AT = new Date("2027-03-01T10:00:00.000Z");

beforeAll(async () => {
  world = await startReplicaWorld("replica-alive");
  replica = await world.replicaDatabase("replica");
  await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, now: () => SET_UP_AT });
  writer = new Writer(world.sourceUrl, 2_000_000);
  await writer.waitFor(300);
  // the app keeps writing while promote starts: every row acknowledged before it must be there
  ackedBeforePromote = [...writer.committed];
  result = await runPromote({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    appPassword: APP_PASSWORD,
    smokeQuery: "SELECT id FROM clinics",
    now: () => PROMOTED_AT,
    drainSeconds: 3600,
  });
  await writer.stop();
});
afterAll(() => world?.destroy());

test("the replica path: drained, RPO 0, the subscription and its slot gone, the phases of a replica", () => {
  expect(result.outcome).toEqual({
    ok: true,
    path: "replica",
    backupId: "replica:bloom_dr",
    snapshotAt: PROMOTED_AT.toISOString(),
    rpoSeconds: 0,
    servingSince: PROMOTED_AT.toISOString(),
    appRole: "bloom_app",
    phases: {
      connectMs: expect.any(Number),
      drainMs: expect.any(Number),
      releaseMs: expect.any(Number),
      sequencesMs: expect.any(Number),
      roleMs: expect.any(Number),
      smokeMs: expect.any(Number),
      markMs: expect.any(Number),
    },
    totalMs: expect.any(Number),
  });
  expect(result.replica).toMatchObject({
    drained: true,
    resumed: false,
    source: "reachable",
    lag: { basis: "source", atLeast: false },
    slot: { name: "bloom_dr", dropped: true },
  });
  expect(result.standby).toBe(
    "logical replica (subscription bloom_dr), drained: it had applied everything the source had when promote started",
  );
  expect(result.smokeQueryRows).toBe(2);
  expect(JSON.stringify(result)).not.toContain(APP_PASSWORD);
  expect(JSON.stringify(result)).not.toContain(world.owner.password);
});

test("no row acknowledged by the primary before promote started is missing on the promoted replica", async () => {
  expect(ackedBeforePromote.length).toBeGreaterThanOrEqual(300);
  expect((await presentIds(replica, ackedBeforePromote)).size).toBe(ackedBeforePromote.length);
});

test("nothing replicates any more: the subscription is gone on the target, the slot on the source", async () => {
  expect(await query(replica, "SELECT subname FROM pg_subscription")).toEqual([]);
  expect(await slotsOn(world.source)).toEqual([]);
  await query(world.sourceUrl, "INSERT INTO clinics (id, name) VALUES (99, 'after promote')");
  expect(await query(replica, "SELECT id FROM clinics WHERE id = 99")).toEqual([]);
});

test("serving, from the replica: the marker says so", async () => {
  const client = new Client({ connectionString: replica });
  await client.connect();
  try {
    expect(await readServingMarker(client)).toEqual({
      since: PROMOTED_AT.toISOString(),
      backupId: "replica:bloom_dr",
      snapshotAt: PROMOTED_AT.toISOString(),
      path: "replica",
      promotedBy: "postgres",
      appRole: "bloom_app",
    });
  } finally {
    await client.end();
  }
});

test("sequences: past every replicated id, and the source's standalone sequence carried over", async () => {
  const fixed = Object.fromEntries(result.replica!.sequences.map((s) => [s.sequence, s]));
  const maxClient = await query<{ max: string }>(replica, "SELECT max(id)::text AS max FROM clients");
  expect(fixed["public.clients_id_seq"]).toEqual({
    sequence: "public.clients_id_seq",
    value: maxClient[0].max,
    from: "columns",
  });
  // invoice_no feeds no column: only the source knows it was called 7 times from 1000
  expect(fixed["public.invoice_no"]).toEqual({ sequence: "public.invoice_no", value: "1006", from: "source" });
  const app = asApp(replica);
  const inserted = await query<{ id: string }>(
    app,
    "INSERT INTO clients (clinic_id, full_name) VALUES ((SELECT min(id) FROM clinics), 'first after failover') RETURNING id",
  );
  expect(BigInt(inserted[0].id)).toBe(BigInt(maxClient[0].max) + 1n);
  await query(
    app,
    "INSERT INTO reservations (clinic_id, client_id, starts_at, price) SELECT clinic_id, id, now(), 10 FROM clients WHERE id = $1",
    [inserted[0].id],
  );
  await query(
    app,
    "INSERT INTO payments (reservation_id, amount, paid_at) SELECT max(id), 10, now() FROM reservations",
  );
  expect(await query(app, "SELECT nextval('invoice_no')::text AS n")).toEqual([{ n: "1007" }]);
});

test("the app role owns everything and logs in; a second promote changes nothing", async () => {
  const owners = await query<{ owner: string }>(
    replica,
    `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('public', 'audit') AND c.relkind IN ('r', 'S', 'v')`,
  );
  expect(owners).toEqual([{ owner: "bloom_app" }]);
  const again = await runPromote({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    appPassword: APP_PASSWORD,
    now: () => new Date("2027-03-01T11:00:00.000Z"),
  });
  expect(again.outcome).toMatchObject({
    path: "already-serving",
    backupId: "replica:bloom_dr",
    servingSince: PROMOTED_AT.toISOString(),
    rpoSeconds: 0,
  });
});

test("setup refuses the serving replica", async () => {
  await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, clean: true })).rejects.toThrow(
    new RegExp(
      `^refusing to replicate into 127\\.0\\.0\\.1:${world.target.port}/replica: it is marked serving since ${PROMOTED_AT.toISOString().replace(/\./g, "\\.")} \\(from a logical replica \\(subscription bloom_dr, recovery point .*\\), promoted by postgres, app role bloom_app\\); a serving database is never replaced by anything automated$`,
    ),
  );
});
