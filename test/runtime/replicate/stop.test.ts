import { runReplicateSetup } from "../../../runtime/lib/replicate/setup";
import { runReplicateStatus } from "../../../runtime/lib/replicate/status";
import { runReplicateStop } from "../../../runtime/lib/replicate/stop";
import { query, tableDigests } from "../../support/postgres";
import { ReplicaWorld, slotsOn, startReplicaWorld } from "./support";

/**
 * replicate stop: the subscription goes and its slot on the source with it, so the source keeps no
 * WAL for a replica that is gone; the replica keeps its data. With the source down the slot is
 * left and said so (exit 1), and a later stop with --source drops it. setup --clean then builds
 * the replica again from scratch.
 */
let world: ReplicaWorld;
let replica: string;
let port: number;

beforeAll(async () => {
  world = await startReplicaWorld("replicate-stop");
  replica = await world.replicaDatabase("replica");
  port = world.target.port;
  await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica });
});
afterAll(() => world?.destroy());

test("stop drops the subscription and its slot: no orphaned slot, the data stays", async () => {
  const before = await tableDigests(replica);
  const stopped = await runReplicateStop({ targetUrl: replica, sourceUrl: world.sourceUrl });
  expect(stopped).toEqual({
    ok: true,
    action: "stop",
    subscription: "bloom_dr",
    target: `127.0.0.1:${port}/replica`,
    source: `127.0.0.1:${world.source.port}/bloom`,
    dropped: true,
    slot: { name: "bloom_dr", state: "dropped" },
    problems: [],
  });
  expect(await slotsOn(world.source)).toEqual([]);
  expect(await query(replica, "SELECT subname FROM pg_subscription")).toEqual([]);
  expect(await tableDigests(replica)).toEqual(before);
  const status = await runReplicateStatus({ targetUrl: replica, sourceUrl: world.sourceUrl });
  expect(status).toMatchObject({ ok: false, exists: false, orphanedSlots: [], warnings: [] });
});

test("a second stop has nothing to do", async () => {
  expect(await runReplicateStop({ targetUrl: replica, sourceUrl: world.sourceUrl })).toMatchObject({
    ok: true,
    dropped: false,
    slot: { name: "bloom_dr", state: "absent" },
  });
});

test("with the source down: the subscription goes, the slot is left and named (exit 1); stop --source drops it later", async () => {
  await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, clean: true });
  expect(await slotsOn(world.source)).toEqual([{ slot_name: "bloom_dr", active: true }]);
  await world.source.stop("fast");
  const stopped = await runReplicateStop({ targetUrl: replica });
  expect(stopped).toMatchObject({ ok: false, dropped: true, slot: { name: "bloom_dr", state: "left" } });
  expect(stopped.slot!.reason).toMatch(
    /could not connect to publisher when attempting to drop replication slot "bloom_dr"/,
  );
  expect(stopped.problems).toEqual([
    expect.stringMatching(
      /^slot bloom_dr is left on the source \(.*\), where it keeps WAL until dropped: once it is reachable, run bloom-dr replicate stop --target URL --source URL --subscription bloom_dr \(or SELECT pg_drop_replication_slot\('bloom_dr'\) there\)$/,
    ),
  ]);
  expect(await query(replica, "SELECT subname FROM pg_subscription")).toEqual([]);
  await world.source.start();
  expect(await slotsOn(world.source)).toEqual([{ slot_name: "bloom_dr", active: false }]);
  expect(await runReplicateStop({ targetUrl: replica, sourceUrl: world.sourceUrl })).toMatchObject({
    ok: true,
    dropped: false,
    slot: { name: "bloom_dr", state: "dropped" },
  });
  expect(await slotsOn(world.source)).toEqual([]);
});

test("setup over a replica whose slot is gone: refused without --clean, rebuilt with it", async () => {
  await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, clean: true });
  // what Neon does to a slot left inactive for long, or a branch restore to every slot
  await query(replica, "ALTER SUBSCRIPTION bloom_dr DISABLE");
  while ((await slotsOn(world.source)).some((s) => s.active)) await new Promise((r) => setTimeout(r, 50));
  await query(world.source.url(), "SELECT pg_drop_replication_slot('bloom_dr')");
  await expect(runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica })).rejects.toThrow(
    `replicate setup of 127.0.0.1:${port}/replica failed: subscription bloom_dr on 127.0.0.1:${port}/replica cannot resume: its slot bloom_dr no longer exists on the source (Neon removes inactive slots, and a branch restore removes them all); rebuild the replica with setup --clean (its data is copied again)`,
  );
  const rebuilt = await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica, clean: true });
  expect(rebuilt.steps.slice(0, 2)).toEqual([
    "subscription bloom_dr removed (its slot bloom_dr was gone)",
    "target emptied (schemas audit, bloom_dr, public dropped)",
  ]);
  expect(await slotsOn(world.source)).toEqual([{ slot_name: "bloom_dr", active: true }]);
  expect(await tableDigests(replica)).toEqual(await tableDigests(world.sourceUrl));
});
