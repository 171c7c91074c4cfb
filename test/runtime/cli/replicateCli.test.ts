/**
 * `bloom-dr replicate setup|status|stop` and `promote` on a replica as a user runs them: node
 * bin/bloom-dr.js against two real clusters, exit codes, one JSON object with --json, one line on
 * stderr for errors, and never a password in any output.
 */
import { query, tableDigests } from "../../support/postgres";
import { APP_PASSWORD, ReplicaWorld, slotsOn, startReplicaWorld } from "../replicate/support";
import { cli, lines, startCli } from "./runCli";

let world: ReplicaWorld;
let replica: string;
let secrets: string[];

beforeAll(async () => {
  world = await startReplicaWorld("replicate-cli");
  replica = await world.replicaDatabase("replica");
  secrets = [world.owner.password, world.target.password, APP_PASSWORD];
});
afterAll(() => world?.destroy());

function expectNoSecret(...outputs: string[]): void {
  for (const secret of secrets) for (const out of outputs) expect(out).not.toContain(secret);
}

test("usage errors exit 2 with one line, before anything connects", async () => {
  const badName = await cli(
    "replicate",
    "setup",
    "--source",
    world.sourceUrl,
    "--target",
    replica,
    "--subscription",
    "Bad-Name",
  );
  expect(badName.code).toBe(2);
  expect(lines(badName.stderr)).toEqual([
    'bloom-dr replicate setup: --subscription: subscription name "Bad-Name" is not usable: give a lower-case name of letters, digits and "_" (at most 63), not starting with pg_, e.g. bloom_dr',
  ]);
  const noTarget = await cli("replicate", "status", "--json");
  expect(noTarget.code).toBe(2);
  expect(JSON.parse(noTarget.stdout)).toMatchObject({ ok: false, command: "replicate status" });
  const badUrl = await cli("replicate", "stop", "--target", "mysql://x@y/z");
  expect(badUrl.code).toBe(2);
  expect(lines(badUrl.stderr)).toEqual([
    "bloom-dr replicate stop: --target must start with postgresql:// (got mysql://)",
  ]);
  expect(await query(world.sourceUrl, "SELECT pubname FROM pg_publication")).toEqual([]);
});

test("setup, then setup again (nothing changed), as JSON", async () => {
  const first = await cli("replicate", "setup", "--source", world.sourceUrl, "--target", replica, "--json");
  expect(first.code).toBe(0);
  const result = JSON.parse(first.stdout);
  expect(result).toMatchObject({ ok: true, command: "replicate setup", action: "setup", changed: true, tables: 6 });
  const again = await cli("replicate", "setup", "--source", world.sourceUrl, "--target", replica);
  expect(again.code).toBe(0);
  expect(lines(again.stdout)[0]).toBe(
    `127.0.0.1:${world.target.port}/replica already replicates 127.0.0.1:${world.source.port}/bloom (publication bloom_dr, subscription bloom_dr): nothing changed`,
  );
  expectNoSecret(first.stdout, first.stderr, again.stdout, again.stderr);
});

test("status: exit 0 while replicating, exit 1 with the problem when a table is not replicated", async () => {
  const ok = await cli(
    "replicate",
    "status",
    "--target",
    replica,
    "--source",
    world.sourceUrl,
    "--max-lag-seconds",
    "3600",
  );
  expect(ok.code).toBe(0);
  expect(lines(ok.stdout)[0]).toBe(
    `OK: subscription bloom_dr on 127.0.0.1:${world.target.port}/replica from 127.0.0.1:${world.source.port}/bloom`,
  );
  expect(ok.stdout).toMatch(/^ {2}lag: [\d.]+ s, \d+ B of WAL \(measured on the source; limit 3600 s\)$/m);
  await query(world.sourceUrl, "CREATE TABLE rooms (id int PRIMARY KEY)");
  const bad = await cli(
    "replicate",
    "status",
    "--target",
    replica,
    "--source",
    world.sourceUrl,
    "--max-lag-seconds",
    "3600",
    "--json",
  );
  expect(bad.code).toBe(1);
  const status = JSON.parse(bad.stdout);
  expect(status).toMatchObject({ ok: false, command: "replicate status", notReplicated: ["public.rooms"] });
  expect(status.error).toContain("1 source table(s) are not replicated: public.rooms");
  await query(world.sourceUrl, "DROP TABLE rooms");
  expectNoSecret(ok.stdout, ok.stderr, bad.stdout, bad.stderr);
});

test("promote on the replica without --store: the replica path, its summary, no password anywhere", async () => {
  const run = await startCli(["promote", "--target", replica, "--source", world.sourceUrl, "--drain-seconds", "3600"], {
    ...process.env,
    BLOOM_DR_APP_PASSWORD: APP_PASSWORD,
  }).done;
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const out = lines(run.stdout);
  expect(out[0]).toBe(
    `promoted 127.0.0.1:${world.target.port}/replica: logical replica (subscription bloom_dr), drained: it had applied everything the source had when promote started`,
  );
  expect(out[1]).toMatch(/^RPO 0ms \(in sync up to \S+, serving since \S+; source reachable\)$/);
  expect(run.stdout).toMatch(
    /^7 tables; \d+ sequence\(s\) set past every replicated id; slot bloom_dr dropped on the source$/m,
  );
  expect(await slotsOn(world.source)).toEqual([]);
  expect(await tableDigests(replica)).toEqual(await tableDigests(world.sourceUrl));
  expectNoSecret(run.stdout, run.stderr);
});

test("stop on the promoted replica: nothing to drop, nothing left (exit 0)", async () => {
  const run = await cli("replicate", "stop", "--target", replica, "--source", world.sourceUrl, "--json");
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    ok: true,
    command: "replicate stop",
    action: "stop",
    subscription: "bloom_dr",
    target: `127.0.0.1:${world.target.port}/replica`,
    source: `127.0.0.1:${world.source.port}/bloom`,
    dropped: false,
    slot: { name: "bloom_dr", state: "absent" },
    problems: [],
  });
});
