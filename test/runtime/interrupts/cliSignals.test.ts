import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import {
  descendantsStartedSince,
  hasPid,
  isRunning,
  pidFrom,
  runningDescendants,
  waitUntil,
} from "../../support/processes";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";

/** Processes running before each test: only what the test's operation starts must be gone after it. */
let baseline: string[] = [];
beforeEach(() => {
  baseline = runningDescendants();
});

/**
 * A real signal to `node bin/bloom-dr.js …` while it works, as Ctrl-C (SIGINT) or a stopped
 * container (SIGTERM) would send it. The programs the engine runs are in process groups of their
 * own (a terminal's Ctrl-C does not reach them), so the command's abort path must stop them:
 * afterwards nothing the command started runs, and it exits 1 with one JSON object.
 */
const BIN = path.resolve(__dirname, "..", "..", "..", "bin", "bloom-dr.js");
let cluster: LocalCluster;
let owner: OwnerRole;
let sourceUrl: string;
let dir: string;
let storeDir: string;

beforeAll(async () => {
  cluster = await startTestCluster("cli-signals");
  owner = await createOwnerRole(cluster, "bloom_owner");
  sourceUrl = await createOwnedDatabase(cluster, owner, "source");
  await query(
    sourceUrl,
    `CREATE TABLE items (id bigint PRIMARY KEY, a text, b text);
     INSERT INTO items SELECT i, md5(i::text), md5((i * 7)::text) FROM generate_series(1, 400000) i`,
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-cli-signals-"));
  storeDir = path.join(dir, "store");
  await runBackup({ dbUrl: sourceUrl, store: openStore(storeDir) });
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

function startCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, [BIN, ...args, "--json"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", () => undefined);
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout }));
  });
  return { child, done };
}

function expectInterrupted(run: Run, command: string, error: RegExp): void {
  expect(run.code).toBe(1);
  const result = JSON.parse(run.stdout);
  expect(result).toEqual({ ok: false, command, error: expect.stringMatching(error) });
}

test("SIGINT to bloom-dr backup while a wrapped pg_dump streams: pg_dump and its helper stop, the store is unchanged", async () => {
  const bin = path.join(dir, "wrapped");
  mkdirSync(bin, { recursive: true });
  const real = cluster.binaries.path("pg_dump");
  writeFileSync(
    path.join(bin, "pg_dump"),
    [
      "#!/bin/bash",
      `if [ "$1" = "--version" ]; then exec "${real}" --version; fi`,
      `sleep 300 & echo $! > "${dir}/backup-helper.pid"`,
      `"${real}" "$@" & echo $! > "${dir}/backup-pg_dump.pid"`,
      "wait",
      "",
    ].join("\n"),
  );
  chmodSync(path.join(bin, "pg_dump"), 0o755);
  const store = openStore(storeDir);
  const before = { keys: (await store.list()).map((o) => o.key), latest: await store.getText(LATEST_KEY) };

  const { child, done } = startCli(["backup", "--db", sourceUrl, "--store", storeDir], {
    ...process.env,
    BLOOM_DR_PG_BIN: bin,
  });
  await waitUntil("the wrapped pg_dump has streamed part of the dump into the store", () =>
    readdirSync(storeDir).some(
      (f) => f.endsWith(".partial") && (statSync(path.join(storeDir, f), { throwIfNoEntry: false })?.size ?? 0) > 0,
    ),
  );
  await waitUntil("the wrapper has noted its pids", () =>
    ["backup-pg_dump.pid", "backup-helper.pid"].every((f) => hasPid(path.join(dir, f))),
  );
  const pgDump = pidFrom(path.join(dir, "backup-pg_dump.pid"));
  const helper = pidFrom(path.join(dir, "backup-helper.pid"));
  child.kill("SIGINT");
  const run = await done;

  expectInterrupted(run, "backup", /^backup of 127\.0\.0\.1:\d+\/source failed: interrupted/);
  expect([pgDump, helper].filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect({ keys: (await store.list()).map((o) => o.key), latest: await store.getText(LATEST_KEY) }).toEqual(before);
});

test("SIGTERM to bloom-dr restore while its --then command runs: the command's children stop; exit 1", async () => {
  const targetUrl = await createOwnedDatabase(cluster, owner, "then_target");
  const pidFile = path.join(dir, "then-child.pid");
  const { child, done } = startCli([
    "restore",
    "--store",
    storeDir,
    "--backup",
    "latest",
    "--target",
    targetUrl,
    "--then",
    `sleep 300 & echo $! > "${pidFile}"; wait`,
  ]);
  await waitUntil("the --then command has started its child", () => hasPid(pidFile));
  const thenChild = pidFrom(pidFile);
  child.kill("SIGTERM");
  const run = await done;

  expectInterrupted(run, "restore", /the --then command \(.*\) was killed by SIGTERM; the restore itself completed/);
  expect(isRunning(thenChild)).toBe(false);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(await tableDigests(targetUrl)).toEqual(await tableDigests(sourceUrl));
});

test("SIGINT to bloom-dr pitr recover --apply mid-insert: rolled back, no session left", async () => {
  await query(cluster.url(), `CREATE DATABASE recover_target TEMPLATE source OWNER ${owner.name}`);
  const target = owner.url("recover_target");
  await query(
    target,
    `DELETE FROM items WHERE id > 100000;
     CREATE SEQUENCE inserted_rows;
     CREATE FUNCTION count_and_pause() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF nextval('inserted_rows') % 1000 = 0 THEN PERFORM pg_sleep(0.02); END IF;
       RETURN NEW;
     END $$;
     CREATE TRIGGER count_and_pause BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION count_and_pause();`,
  );
  const before = await tableDigests(target);
  const { child, done } = startCli([
    "pitr",
    "recover",
    "--from",
    sourceUrl,
    "--target",
    target,
    "--tables",
    "items",
    "--apply",
  ]);
  await waitUntil("the target has inserted recovered rows", async () => {
    const [row] = await query<{ n: string }>(
      target,
      "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM inserted_rows",
    );
    return Number(row.n) >= 2000;
  });
  child.kill("SIGINT");
  const run = await done;

  expectInterrupted(
    run,
    "pitr recover",
    /^pitr recover interrupted; the transaction was rolled back, nothing was changed$/,
  );
  const sessions = await query(
    cluster.url(),
    "SELECT pid FROM pg_stat_activity WHERE datname IN ('recover_target', 'source') AND backend_type = 'client backend'",
  );
  expect(sessions).toEqual([]);
  expect(await tableDigests(target)).toEqual(before);
});
