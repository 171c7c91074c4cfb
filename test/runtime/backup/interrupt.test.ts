import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster } from "../../support/postgres";
import {
  descendantsStartedSince,
  hasPid,
  isRunning,
  pidFrom,
  runningDescendants,
  runningDescendantsNamed,
  waitUntil,
} from "../../support/processes";
import { createOwnedDatabase, createOwnerRole } from "../../support/roles";

/** Processes running before each test: only what the test's operation starts must be gone after it. */
let baseline: string[] = [];
beforeEach(() => {
  baseline = runningDescendants();
});

/**
 * A backup interrupted while pg_dump runs under a wrapper script (as `nice pg_dump`, a vendor's
 * wrapper or a monitoring shim would run it): pg_dump is the wrapper's child, and the wrapper has
 * started a helper of its own. Everything must stop, and the store must be as before.
 */
let cluster: LocalCluster;
let dir: string;
let sourceUrl: string;

beforeAll(async () => {
  cluster = await startTestCluster("backup-interrupt");
  const owner = await createOwnerRole(cluster, "bloom_owner");
  sourceUrl = await createOwnedDatabase(cluster, owner, "source");
  // enough rows that pg_dump is still writing when the test interrupts it
  await query(
    sourceUrl,
    "CREATE TABLE bulk (id int PRIMARY KEY, a text, b text); INSERT INTO bulk SELECT i, md5(i::text), md5((i * 7)::text) FROM generate_series(1, 400000) i",
  );
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-backup-interrupt-"));
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test("interrupted while a wrapped pg_dump streams: pg_dump, the wrapper and its helper stop; the store is unchanged", async () => {
  const bin = path.join(dir, "wrapped");
  mkdirSync(bin);
  const real = cluster.binaries.path("pg_dump");
  writeFileSync(
    path.join(bin, "pg_dump"),
    [
      "#!/bin/bash",
      `if [ "$1" = "--version" ]; then exec "${real}" --version; fi`,
      `sleep 300 & echo $! > "${dir}/helper.pid"`,
      `"${real}" "$@" & echo $! > "${dir}/pg_dump.pid"`,
      "wait",
      "",
    ].join("\n"),
  );
  chmodSync(path.join(bin, "pg_dump"), 0o755);
  const storeDir = path.join(dir, "store");
  const store = openStore(storeDir);
  await runBackup({ dbUrl: sourceUrl, store, label: "before" });
  const before = { keys: (await store.list()).map((o) => o.key), latest: await store.getText(LATEST_KEY) };
  const teardowns = pendingTeardowns();

  const controller = new AbortController();
  let written = 0;
  const backingUp = runBackup({
    dbUrl: sourceUrl,
    store,
    env: { ...process.env, BLOOM_DR_PG_BIN: bin },
    signal: controller.signal,
    onProgress: (p) => (written = p.bytes),
  }).catch((e: Error) => e);
  await waitUntil("the wrapped pg_dump has written part of the dump", () => written > 0);
  await waitUntil("the wrapper has noted its pids", () =>
    ["pg_dump.pid", "helper.pid"].every((f) => hasPid(path.join(dir, f))),
  );
  const pgDump = pidFrom(path.join(dir, "pg_dump.pid"));
  const helper = pidFrom(path.join(dir, "helper.pid"));
  expect(isRunning(pgDump)).toBe(true);
  controller.abort(new Error("interrupted by SIGINT"));
  const error = await backingUp;

  expect((error as Error).message).toMatch(
    /^backup of 127\.0\.0\.1:\d+\/source failed: interrupted before the dump was complete$/,
  );
  expect([pgDump, helper].filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(pendingTeardowns()).toBe(teardowns);
  expect({ keys: (await store.list()).map((o) => o.key), latest: await store.getText(LATEST_KEY) }).toEqual(before);
  expect(readdirSync(storeDir).filter((n) => n.startsWith("."))).toEqual([]);
});

test("directory form interrupted while pg_dump's workers write: the leader, its workers, the wrapper and its helper stop; the store is unchanged", async () => {
  const bin = path.join(dir, "wrapped-directory");
  mkdirSync(bin);
  const real = cluster.binaries.path("pg_dump");
  writeFileSync(
    path.join(bin, "pg_dump"),
    [
      "#!/bin/bash",
      `if [ "$1" = "--version" ]; then exec "${real}" --version; fi`,
      `sleep 300 & echo $! > "${dir}/helper-d.pid"`,
      `"${real}" "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(path.join(bin, "pg_dump"), 0o755);
  const storeDir = path.join(dir, "store-directory");
  const store = openStore(storeDir);
  await runBackup({ dbUrl: sourceUrl, store, label: "before", format: "directory" });
  const before = {
    keys: (await store.list()).map((o) => o.key),
    dirs: await store.directories!(),
    latest: await store.getText(LATEST_KEY),
  };
  const teardowns = pendingTeardowns();

  const controller = new AbortController();
  let written = 0;
  let pgDumps: number[] = [];
  const backingUp = runBackup({
    dbUrl: sourceUrl,
    store,
    format: "directory",
    jobs: 2,
    env: { ...process.env, BLOOM_DR_PG_BIN: bin },
    signal: controller.signal,
    onProgress: (p) => (written = p.bytes),
  }).catch((e: Error) => e);
  await waitUntil("toc.dat is stored and pg_dump's workers run", () => {
    pgDumps = runningDescendantsNamed("pg_dump");
    return written > 0 && pgDumps.length >= 2 && hasPid(path.join(dir, "helper-d.pid"));
  });
  const helper = pidFrom(path.join(dir, "helper-d.pid"));
  controller.abort(new Error("interrupted by SIGINT"));
  const error = await backingUp;

  expect((error as Error).message).toMatch(
    /^backup of 127\.0\.0\.1:\d+\/source failed: interrupted before the dump was complete$/,
  );
  expect([...pgDumps, helper].filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(pendingTeardowns()).toBe(teardowns);
  expect({
    keys: (await store.list()).map((o) => o.key),
    dirs: await store.directories!(),
    latest: await store.getText(LATEST_KEY),
  }).toEqual(before);
  expect(readdirSync(storeDir).filter((n) => n.startsWith("."))).toEqual([]);
});
