import { PromoteResult, runPromote } from "../../../runtime/lib/promote/runPromote";
import { runReplicateSetup } from "../../../runtime/lib/replicate/setup";
import { runReplicateStatus } from "../../../runtime/lib/replicate/status";
import { runReplicateStop } from "../../../runtime/lib/replicate/stop";
import { query } from "../../support/postgres";
import { APP_PASSWORD, asApp, presentIds, ReplicaWorld, slotsOn, startReplicaWorld, Writer } from "./support";

/**
 * promote on a logical replica whose source died (immediate stop, like a crash) while the app was
 * writing: what the replica had applied is what the app keeps. The rows committed on the primary
 * and missing on the replica are counted exactly from the writer's own record; they are always a
 * tail of the commit order (replication applies transactions in that order). The RPO reported is
 * the time since the last status check found the replica in sync (the worker that knew better
 * exits with the source). A promote that fails after the subscription is gone resumes; the slot
 * left on the dead source is reported, warned about once it is back, and dropped by stop.
 */
let world: ReplicaWorld;
let replica: string;
let writer: Writer;
let failed: Error;
let result: PromoteResult;
const SET_UP_AT = new Date("2027-03-01T09:00:00.000Z");
const CHECKED_AT = new Date("2027-03-01T09:59:00.000Z");
const PROMOTED_AT = new Date("2027-03-01T10:00:30.000Z");

beforeAll(async () => {
  world = await startReplicaWorld("replica-killed");
  replica = await world.replicaDatabase("replica");
  await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, now: () => SET_UP_AT });
  writer = new Writer(world.sourceUrl, 3_000_000);
  await writer.waitFor(200);
  // the scheduled status check, a minute before the outage
  await runReplicateStatus({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    now: () => CHECKED_AT,
    maxLagSeconds: 3600,
  });
  await writer.waitFor(400);
  await world.source.stop("immediate");
  await writer.finished();
  // the apply worker notices within moments; promote runs later than that in any real outage
  while ((await query(replica, "SELECT pid FROM pg_stat_subscription WHERE pid IS NOT NULL")).length > 0)
    await new Promise((r) => setTimeout(r, 50));
  failed = await runPromote({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    appPassword: APP_PASSWORD,
    smokeQuery: "SELECT 1 / 0",
    now: () => PROMOTED_AT,
  }).then(
    () => new Error("promote with a failing smoke query succeeded"),
    (err: Error) => err,
  );
  result = await runPromote({
    targetUrl: replica,
    sourceUrl: world.sourceUrl,
    appPassword: APP_PASSWORD,
    now: () => new Date("2027-03-01T10:05:00.000Z"),
  });
});
afterAll(() => world?.destroy());

test("the writer lost its primary mid-stream", () => {
  expect(writer.committed.length).toBeGreaterThanOrEqual(400);
  expect(writer.error).toEqual(expect.any(String));
});

test("the rows on the replica are exactly the first k committed (a tail of the commit order is missing), counted", async () => {
  const present = await presentIds(replica, [...writer.committed, ...(writer.inFlight ? [writer.inFlight] : [])]);
  const k = writer.committed.findIndex((id) => !present.has(id));
  const kept = k === -1 ? writer.committed.length : k;
  expect([...present].filter((id) => id !== writer.inFlight).sort((a, b) => a - b)).toEqual(
    writer.committed.slice(0, kept),
  );
  const missing = writer.committed.length - kept;
  expect(missing).toBe(writer.committed.filter((id) => !present.has(id)).length);
});

test("a promote that fails after dropping the subscription marks nothing; the next one resumes the replica path", () => {
  expect(failed.message).toMatch(
    /^promote of 127\.0\.0\.1:\d+\/replica failed: smoke query failed as the app role: division by zero$/,
  );
  expect(result.replica).toMatchObject({ resumed: true, drained: false, source: "unreachable", lag: null, slot: null });
});

test("the RPO is the time since the replica was last known in sync (the status check), recorded by the first attempt", () => {
  expect(result.outcome).toMatchObject({
    ok: true,
    path: "replica",
    backupId: "replica:bloom_dr",
    snapshotAt: CHECKED_AT.toISOString(),
    rpoSeconds: 90,
    servingSince: "2027-03-01T10:05:00.000Z",
  });
  expect(result.standby).toBe(
    "logical replica (subscription bloom_dr), a promotion that had already dropped the subscription, resumed",
  );
});

test("sequences without the source: past every replicated id; a sequence that feeds no column is left as it was", async () => {
  const fixed = result.replica!.sequences.map((s) => s.sequence);
  expect(fixed).toContain("public.clients_id_seq");
  expect(fixed).not.toContain("public.invoice_no");
  const app = asApp(replica);
  const [{ max }] = await query<{ max: string }>(replica, "SELECT max(id)::text AS max FROM clients");
  const inserted = await query<{ id: string }>(
    app,
    "INSERT INTO clients (clinic_id, full_name) VALUES ((SELECT min(id) FROM clinics), 'after the crash') RETURNING id",
  );
  expect(BigInt(inserted[0].id)).toBe(BigInt(max) + 1n);
});

test("the slot left on the dead source: warned about by status once it is back, dropped by stop", async () => {
  await world.source.start();
  expect(await slotsOn(world.source)).toEqual([{ slot_name: "bloom_dr", active: false }]);
  const status = await runReplicateStatus({ targetUrl: replica, sourceUrl: world.sourceUrl });
  expect(status.exists).toBe(false);
  expect(status.orphanedSlots.map((s) => s.name)).toEqual(["bloom_dr"]);
  expect(status.warnings).toEqual([
    expect.stringMatching(
      /^slot bloom_dr on the source is inactive and keeps \d+ bytes of WAL \(growing until it is dropped\): if nothing uses it, drop it: bloom-dr replicate stop --source URL --subscription bloom_dr, or SELECT pg_drop_replication_slot\('bloom_dr'\)$/,
    ),
  ]);
  const stopped = await runReplicateStop({ targetUrl: replica, sourceUrl: world.sourceUrl });
  expect(stopped).toMatchObject({
    ok: true,
    dropped: false,
    slot: { name: "bloom_dr", state: "dropped" },
    problems: [],
  });
  expect(await slotsOn(world.source)).toEqual([]);
});
