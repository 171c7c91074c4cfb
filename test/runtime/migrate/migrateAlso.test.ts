/**
 * `migrate run --also URL`: a logical replica needs every migration too (replication carries rows,
 * not DDL). Against a real primary and replica (replicate setup between two clusters), with a
 * command that behaves like `prisma migrate deploy` (it skips what its database's history lists as
 * done): the replica keeps its own history, so the second run really migrates it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runMigration } from "../../../runtime/lib/migrate/runMigration";
import { runReplicateSetup } from "../../../runtime/lib/replicate/setup";
import { runReplicateStatus } from "../../../runtime/lib/replicate/status";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, tableDigests } from "../../support/postgres";
import { cli, lines, startCli } from "../cli/runCli";
import { ReplicaWorld, startReplicaWorld } from "../replicate/support";

const DEPLOY = path.join(__dirname, "fixtures", "prismaLikeDeploy.js");
const NOW = new Date("2027-03-01T10:00:00.000Z");

let world: ReplicaWorld;
let replica: string;
let work: string;

beforeAll(async () => {
  world = await startReplicaWorld("migrate-also");
  replica = await world.replicaDatabase("replica");
  await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica });
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-migrate-also-"));
});
afterAll(async () => {
  await world?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

function migrate(name: string, sql: string, extra: { urlVariable?: string; env?: NodeJS.ProcessEnv } = {}) {
  return runMigration({
    dbUrl: world.sourceUrl,
    store: openStore(mkdtempSync(path.join(work, "store-"))),
    command: [process.execPath, DEPLOY, name, sql, ...(extra.urlVariable ? [extra.urlVariable] : [])],
    also: replica,
    passthrough: "capture",
    env: { ...process.env, DATABASE_URL: world.sourceUrl, ...extra.env },
    now: () => NOW,
  });
}

const history = async (url: string) =>
  (
    await query<{ name: string }>(
      url,
      "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1",
    )
  ).map((r) => r.name);

test("a column: migrated on the primary, then on the replica, which keeps replicating (schemas equal again)", async () => {
  const result = await migrate("20270301_nickname", "ALTER TABLE clients ADD COLUMN nickname text");
  expect(result.ok).toBe(true);
  expect(result.also).toMatchObject({
    db: `127.0.0.1:${world.target.port}/replica`,
    command: { exitCode: 0, signal: null },
    missing: [],
    prisma: { applied: 2, failed: [] },
  });
  expect(result.also!.command!.output).toBe("Applied migration `20270301_nickname`\n");
  expect(await history(replica)).toEqual(["20250101000000_init", "20270301_nickname"]);
  expect(await history(world.sourceUrl)).toEqual(["20250101000000_init", "20270301_nickname"]);
  // each side wrote its own row: the history is not replicated
  const ids = async (url: string) =>
    query(url, "SELECT id FROM _prisma_migrations WHERE migration_name = '20270301_nickname'");
  expect(await ids(replica)).not.toEqual(await ids(world.sourceUrl));
  await query(world.sourceUrl, "UPDATE clients SET nickname = 'Nico' WHERE id = (SELECT min(id) FROM clients)");
  const status = await runReplicateStatus({ targetUrl: replica, sourceUrl: world.sourceUrl, maxLagSeconds: 3600 });
  expect(status).toMatchObject({
    ok: true,
    schema: { matches: true },
    migrations: { onlyOnSource: [], onlyOnTarget: [] },
  });
  expect(await query(replica, "SELECT count(*)::int AS n FROM clients WHERE nickname = 'Nico'")).toEqual([{ n: 1 }]);
});

test("a table: migrated on both, then replicate setup adds it and its rows follow", async () => {
  const result = await migrate("20270302_rooms", "CREATE TABLE rooms (id bigint PRIMARY KEY, name text NOT NULL)");
  expect(result).toMatchObject({ ok: true, also: { missing: [] } });
  await query(world.sourceUrl, "INSERT INTO rooms VALUES (1, 'A'), (2, 'B')");
  const added = await runReplicateSetup({ sourceUrl: world.sourceUrl, targetUrl: replica });
  expect(added.steps).toContain("subscription bloom_dr refreshed (added public.rooms)");
  // the data, not the migration history (each side keeps its own rows there)
  const { "public._prisma_migrations": _replicaHistory, ...onReplica } = await tableDigests(replica);
  const { "public._prisma_migrations": _sourceHistory, ...onSource } = await tableDigests(world.sourceUrl);
  expect(onReplica).toEqual(onSource);
  expect(onReplica["public.rooms"]).toMatch(/^2:/);
});

test("a command that ignores DATABASE_URL migrates nothing on the replica: the run fails, naming what is missing", async () => {
  const result = await migrate("20270303_tags", "ALTER TABLE clients ADD COLUMN vip boolean NOT NULL DEFAULT false", {
    urlVariable: "APP_DB",
    env: { APP_DB: world.sourceUrl },
  });
  expect(result.ok).toBe(false);
  expect(result.failure).toBe(
    `the command exited 0 but the replica 127.0.0.1:${world.target.port}/replica has not applied 20270303_tags (does the command read DATABASE_URL?): fix it and run the command again against 127.0.0.1:${world.target.port}/replica (DATABASE_URL=<its URL>), or rebuild the replica from the primary: bloom-dr replicate setup --clean; until then its subscription may stop at the first change that needs the new schema`,
  );
  expect(result.also!.missing).toEqual(["20270303_tags"]);
  // put the replica right, as the message says: the command again, against the replica
  execFileSync(
    process.execPath,
    [DEPLOY, "20270303_tags", "ALTER TABLE clients ADD COLUMN vip boolean NOT NULL DEFAULT false"],
    {
      env: { ...process.env, DATABASE_URL: replica },
    },
  );
  expect(await history(replica)).toContain("20270303_tags");
});

test("a migration that fails on the primary is not run on the replica", async () => {
  const result = await migrate("20270304_broken", "ALTER TABLE no_such_table ADD COLUMN x int");
  expect(result.ok).toBe(false);
  expect(result.also).toEqual({
    db: `127.0.0.1:${world.target.port}/replica`,
    skipped: `the migration failed on 127.0.0.1:${world.source.port}/bloom`,
  });
  expect(await history(replica)).not.toContain("20270304_broken");
  // the playbook's way out on the primary (prisma migrate resolve --rolled-back)
  await query(
    world.sourceUrl,
    "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '20270304_broken'",
  );
});

test("the CLI: --also in the report and the JSON, never a password; a malformed --also is a usage error", async () => {
  const store = mkdtempSync(path.join(work, "cli-store-"));
  const run = await startCli(
    [
      "migrate",
      "run",
      "--db",
      world.sourceUrl,
      "--store",
      store,
      "--also",
      replica,
      "--json",
      "--",
      process.execPath,
      DEPLOY,
      "20270305_notes",
      "ALTER TABLE clinics ADD COLUMN notes text",
    ],
    { ...process.env, DATABASE_URL: world.sourceUrl },
  ).done;
  expect(run.code).toBe(0);
  const json = JSON.parse(run.stdout);
  expect(json).toMatchObject({
    ok: true,
    command: "migrate run",
    also: { db: `127.0.0.1:${world.target.port}/replica`, missing: [], prisma: { applied: 5 } },
  });
  for (const secret of [world.owner.password, world.target.password])
    expect(run.stdout + run.stderr).not.toContain(secret);
  const bad = await cli(
    "migrate",
    "run",
    "--db",
    world.sourceUrl,
    "--store",
    store,
    "--also",
    "not a url",
    "--",
    "true",
  );
  expect(bad.code).toBe(2);
  expect(lines(bad.stderr)[0]).toMatch(/^bloom-dr migrate run: --also is not a valid URL/);
});
