import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { LocalPlatform } from "../../../runtime/lib/platform/local";
import { queryOne, withClient } from "../../../runtime/lib/platform/sql";
import { findPostgresBinaries } from "../../../runtime/lib/postgres/binaries";
import { processesUnder } from "./leftovers";

let parent: string;
beforeAll(() => {
  parent = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-platform-test-"));
  chmodSync(parent, 0o755); // the server user must reach the clusters inside
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe("local platform with branches and a standby", () => {
  let platform: LocalPlatform;
  let before: Date;
  let teardownsBefore: number;
  /** The platform's clock: set by each test, from the server's clock when dates must be real. */
  let clock: Date;
  const serverNow = async () =>
    (await queryOne<{ now: Date }>(platform.primaryUrl(), "SELECT clock_timestamp() AS now")).now;

  beforeAll(async () => {
    teardownsBefore = pendingTeardowns();
    platform = await LocalPlatform.open({ branches: true, standby: true }, { tempParent: parent, now: () => clock });
    await withClient(platform.primaryUrl(), (c) =>
      c.query(
        "CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t SELECT i, 'row ' || i FROM generate_series(1, 100) i",
      ),
    );
    before = await serverNow();
    await new Promise((r) => setTimeout(r, 20));
    await withClient(platform.primaryUrl(), (c) =>
      c.query("DELETE FROM t WHERE id <= 40; UPDATE t SET note = 'changed' WHERE id = 100"),
    );
  });
  afterAll(async () => {
    await platform?.dispose();
  });

  test("the primary archives WAL and the platform lives in one temporary root", () => {
    expect(path.dirname(platform.root.dir)).toBe(parent);
    expect(readdirSync(platform.root.dir).sort()).toEqual(["base-backup", "primary", "standby", "wal-archive"]);
  });

  test("branchAt(T) is a real point-in-time recovery: the branch has the data as of T, the primary is untouched", async () => {
    clock = await serverNow();
    const branch = await platform.branchAt(before, "t1");
    try {
      expect(
        await queryOne(branch.url, "SELECT count(*)::int AS n, max(note) FILTER (WHERE id = 100) AS note FROM t"),
      ).toEqual({ n: 100, note: "row 100" });
      expect(await queryOne(branch.url, "SELECT pg_is_in_recovery() AS r")).toEqual({ r: false });
      // a branch is writable and independent of the primary
      await withClient(branch.url, (c) => c.query("INSERT INTO t VALUES (1000, 'only on the branch')"));
      expect(await queryOne(platform.primaryUrl(), "SELECT count(*)::int AS n FROM t")).toEqual({ n: 60 });
    } finally {
      await branch.dispose();
    }
    expect(readdirSync(platform.root.dir)).not.toContain("branch-t1");
  });

  test.each([
    [
      "in the future",
      (now: Date) => new Date(now.getTime() + 60_000),
      /^branch time \S+ is in the future \(now \S+\): pick a time in the past$/,
    ],
    [
      "before the base backup",
      (now: Date) => new Date(now.getTime() - 3_600_000),
      /^branch time \S+ is before the base backup \(\S+\): pick a time between \S+ and \S+$/,
    ],
  ])("branchAt rejects a time %s with one line and creates nothing", async (_label, at, message) => {
    clock = await serverNow();
    const entries = readdirSync(platform.root.dir).sort();
    await expect(platform.branchAt(at(clock), "bad")).rejects.toThrow(message);
    expect(readdirSync(platform.root.dir).sort()).toEqual(entries);
  });

  test("the standby is an empty database of its own", async () => {
    const url = await platform.standbyUrl();
    expect(url).not.toBe(platform.primaryUrl());
    expect(await queryOne(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual({
      n: 0,
    });
  });

  test("the fresh primary (a failover drill's fail-back target) is an empty database on a cluster of its own, made once", async () => {
    const url = await platform.freshPrimaryUrl();
    const ports = [platform.primaryUrl(), await platform.standbyUrl(), url].map((u) => new URL(u).port);
    expect(new Set(ports).size).toBe(3);
    expect(await queryOne(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual({
      n: 0,
    });
    expect(await platform.freshPrimaryUrl()).toBe(url);
  });

  test("after the primary is lost, a time past the last archived WAL is refused; an earlier one still branches", async () => {
    clock = await serverNow();
    const early = await platform.branchAt(before, "t2"); // forces the archive up to now
    await early.dispose();
    await new Promise((r) => setTimeout(r, 20));
    clock = await serverNow(); // later than anything archived
    await platform.losePrimary();
    await expect(queryOne(platform.primaryUrl(), "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
    await expect(platform.branchAt(clock, "late")).rejects.toThrow(
      /is after the last archived WAL \(\S+\) and the primary is stopped: pick an earlier time$/,
    );
    const again = await platform.branchAt(before, "t3");
    expect(await queryOne(again.url, "SELECT count(*)::int AS n FROM t")).toEqual({ n: 100 });
    await again.dispose();
  });

  test("dispose stops every server and removes the root; nothing stays registered", async () => {
    const root = platform.root.dir;
    await platform.dispose();
    expect(readdirSync(parent)).not.toContain(path.basename(root));
    expect(processesUnder(root)).toEqual([]);
    expect(pendingTeardowns()).toBe(teardownsBefore);
    await platform.dispose(); // twice is fine
  });
});

test("without PostgreSQL: a one-line install hint and nothing created", async () => {
  const nowhere = { PATH: "", BLOOM_DR_PG_BIN: path.join(parent, "no-such-bin") };
  const teardowns = pendingTeardowns();
  await expect(
    LocalPlatform.open(
      { branches: true, standby: true },
      {
        tempParent: parent,
        findBinaries: (programs) =>
          findPostgresBinaries(programs, { env: nowhere, debianRoot: path.join(parent, "no-debian") }),
      },
    ),
  ).rejects.toThrow(
    /^PostgreSQL programs not found \(initdb, pg_ctl, postgres, pg_basebackup\): install the PostgreSQL client and server .* or set BLOOM_DR_PG_BIN to its bin directory$/,
  );
  expect(readdirSync(parent)).toEqual([]);
  expect(pendingTeardowns()).toBe(teardowns);
});

test.each(["initdb", "pg_ctl", "pg_basebackup"])(
  "an abort while opening (when %s is used) removes everything created so far",
  async (program) => {
    const controller = new AbortController();
    const real = findPostgresBinaries(["initdb", "pg_ctl", "postgres", "pg_basebackup"]);
    // the abort lands in the middle of opening, at the moment this program is looked up
    const binaries = {
      ...real,
      path: (p: string) => (p === program && controller.abort(new Error("interrupted by SIGINT")), real.path(p)),
    };
    const teardowns = pendingTeardowns();
    await expect(
      LocalPlatform.open(
        { branches: true, standby: true },
        { tempParent: parent, signal: controller.signal, findBinaries: () => binaries },
      ),
    ).rejects.toThrow("interrupted by SIGINT");
    expect(readdirSync(parent)).toEqual([]);
    expect(processesUnder(parent)).toEqual([]);
    expect(pendingTeardowns()).toBe(teardowns);
  },
);
