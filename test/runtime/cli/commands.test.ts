/**
 * The backup, backups, restore and prune commands end to end: `node bin/bloom-dr.js` as a child
 * process against a real PostgreSQL cluster and a temporary directory store.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateBloomDatabase, rowCountsForScale } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { createDatabase, query, startTestCluster, tableDigests } from "../../support/postgres";
import { cli, CliRun, lines, startCli } from "./runCli";

const SCALE = 0.01;
const BLOOM_TABLES = ["public.clients", "public.clinics", "public.payments", "public.reservations", "public.users"];

let cluster: LocalCluster;
let src: string;
let work: string;
let store: string;
let firstId: string;
let secondId: string;

/** Exactly one line on stderr, prefixed with the program and command, and no stack trace. */
function expectOneLineError(run: CliRun, command: string, pattern: RegExp): void {
  const errLines = lines(run.stderr).filter(
    (l) =>
      !l.startsWith("(node:") &&
      !/NodeVersionSupportWarning|AWS SDK|node >=22|a\.co\/|--trace-warnings|^$|^To continue|^versions|^will require|^and security|^More information/.test(
        l,
      ),
  );
  expect(errLines).toHaveLength(1);
  expect(errLines[0]).toMatch(new RegExp(`^bloom-dr ${command}: `));
  expect(errLines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/** Live pg_dump processes connected (through PGPORT) to the given port. */
function pgDumpProcessesFor(port: number): number[] {
  const fs = require("node:fs") as typeof import("node:fs");
  const out: number[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.split("\0").some((arg) => arg.endsWith("pg_dump"))) continue;
      const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (env.includes(`PGPORT=${port}`)) out.push(Number(pid));
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

function parseJson(run: CliRun): Record<string, any> {
  expect(lines(run.stdout)).toHaveLength(1);
  return JSON.parse(run.stdout);
}

beforeAll(async () => {
  cluster = await startTestCluster("cli");
  src = await createDatabase(cluster, "bloom_src");
  await generateBloomDatabase(src, SCALE);
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-cli-test-"));
  store = path.join(work, "store");
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("--help", () => {
  test.each([
    ["backup", ["--db URL", "--store STORE", "[--label TEXT]", "[--kms-key-id ID]", "[--json]"]],
    ["backups", ["--store STORE", "[--json]"]],
    [
      "restore",
      ["--store STORE", "--backup ID|latest", "--target URL", "[--jobs N]", "[--clean]", "[--then CMD]", "[--json]"],
    ],
    ["prune", ["--store STORE", "--keep N", "[--keep-days D]", "[--json]"]],
  ])("%s --help prints its usage and exit codes, exit 0", async (command, parts) => {
    const run = await cli(command, "--help");
    expect(run.code).toBe(0);
    const usage = run.stdout.split("\n").find((l) => l.startsWith("Usage: "))!;
    expect(usage.startsWith(`Usage: bloom-dr ${command} `)).toBe(true);
    for (const part of parts) expect(usage).toContain(part);
    expect(run.stdout).toContain("Exit status: 0");
    expect(run.stdout).toContain("Examples:");
  });

  test("the program help lists the four commands", async () => {
    const run = await cli("--help");
    expect(run.code).toBe(0);
    for (const name of ["backup", "backups", "restore", "prune"])
      expect(run.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
  });
});

describe("usage errors exit 2 with one line", () => {
  test.each([
    [["backup", "--store", "/tmp/x"], "backup", /--db is required/],
    [["backup", "--db", "mysql://u:pw@h/db", "--store", "/tmp/x"], "backup", /--db must start with postgresql:\/\//],
    [
      ["backup", "--db", "postgresql://u:pw@h/db", "--store", "ftp://x/y"],
      "backup",
      /--store ftp:\/\/x\/y: .*unsupported scheme/,
    ],
    [
      ["backup", "--db", "postgresql://u:pw@h/db", "--store", "/tmp/x", "--bogus"],
      "backup",
      /Unknown option '--bogus'/,
    ],
    [
      ["backup", "--db", "postgresql://u:pw@h/db", "--store", "/tmp/x", "--kms-key-id", "alias/k"],
      "backup",
      /--kms-key-id applies to s3:\/\/ stores only/,
    ],
    [
      ["backups", "--store", "/nonexistent/bloom-dr-store"],
      "backups",
      /directory \/nonexistent\/bloom-dr-store does not exist/,
    ],
    [
      ["restore", "--store", "/tmp", "--backup", "latest", "--target", "postgresql://u:pw@h/db", "--jobs", "0"],
      "restore",
      /--jobs must be a whole number ≥ 1 \(got "0"\)/,
    ],
    [
      ["restore", "--store", "/tmp", "--backup", "latest", "--target", "not a url"],
      "restore",
      /--target is not a valid URL/,
    ],
    [["restore", "--store", "/tmp", "--target", "postgresql://u:pw@h/db"], "restore", /--backup is required/],
    [
      ["prune", "--store", "s3://vault/production", "--keep", "2"],
      "prune",
      /prune manages local stores only; S3 vaults expire backups through their lifecycle rules/,
    ],
    [["prune", "--store", "/tmp", "--keep", "two"], "prune", /--keep must be a whole number ≥ 1 \(got "two"\)/],
    [["prune", "--store", "/tmp", "--keep", "2", "--keep-days", "-1"], "prune", /--keep-days/],
  ])("%j", async (args, command, pattern) => {
    const run = await cli(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expectOneLineError(run, command, pattern);
    expect(run.stderr).not.toContain("pw@");
  });

  test("with --json the failure is also one JSON object on stdout", async () => {
    const run = await cli(
      "restore",
      "--store",
      "/tmp",
      "--backup",
      "latest",
      "--target",
      "postgresql://u:pw@h/db",
      "--jobs",
      "x",
      "--json",
    );
    expect(run.code).toBe(2);
    expect(parseJson(run)).toEqual({
      ok: false,
      command: "restore",
      error: expect.stringMatching(/--jobs must be a whole number/),
    });
  });
});

describe("backup", () => {
  test("--json: one object describing the backup; the store holds dump, manifest and latest.json", async () => {
    const run = await cli("backup", "--db", src, "--store", store, "--label", "first", "--json");
    expect(run.code).toBe(0);
    const out = parseJson(run);
    const expectedRows = rowCountsForScale(SCALE);
    expect(out).toMatchObject({
      ok: true,
      command: "backup",
      store: `file://${store}`,
      label: "first",
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      snapshotAt: expect.any(String),
      rows: Object.values(expectedRows).reduce((a, b) => a + b, 0),
    });
    expect(out.bytes).toBeGreaterThan(1000);
    expect(out.durationMs).toBeGreaterThan(0);
    expect(Object.keys(out.tables).sort()).toEqual(BLOOM_TABLES);
    for (const [table, n] of Object.entries(expectedRows)) expect(out.tables[`public.${table}`]).toBe(n);
    expect(out.manifest.id).toBe(out.id);
    expect(out.manifest.dump.bytes).toBe(out.bytes);
    firstId = out.id;
    expect(readdirSync(store).sort()).toEqual([`${firstId}.dump`, `${firstId}.json`, "latest.json"].sort());
    expect(JSON.stringify(out)).not.toContain(cluster.password);
  });

  test("human output names the id, the size and the snapshot, and never the password", async () => {
    const run = await cli("backup", "--db", src, "--store", `file://${store}`);
    expect(run.code).toBe(0);
    const m = /^backup (\S+) complete: .+ in .+ \(.+\/s\)$/m.exec(run.stdout);
    expect(m).not.toBeNull();
    secondId = m![1];
    expect(secondId > firstId).toBe(true);
    expect(run.stdout).toMatch(/snapshot +\d{4}-\d\d-\d\dT/);
    expect(run.stdout).toContain("postgresql://postgres:***@127.0.0.1");
    expect(run.stdout + run.stderr).not.toContain(cluster.password);
  });

  test("wrong credentials: exit 1, one line without the password, nothing written", async () => {
    const before = readdirSync(store).sort();
    const badUrl = src.replace(encodeURIComponent(cluster.password), "Wr0ngPassw0rd");
    const run = await cli("backup", "--db", badUrl, "--store", store);
    expect(run.code).toBe(1);
    expectOneLineError(run, "backup", /password authentication failed|authentication/i);
    expect(run.stderr).not.toContain("Wr0ngPassw0rd");
    expect(readdirSync(store).sort()).toEqual(before);
  });

  test("a Neon pooled host is refused with the direct host to use instead", async () => {
    const run = await cli(
      "backup",
      "--db",
      "postgresql://u:s3cretpw@ep-cool-name-123-pooler.us-east-2.aws.neon.tech/neondb",
      "--store",
      store,
    );
    expect(run.code).not.toBe(0);
    expectOneLineError(run, "backup", /ep-cool-name-123\.us-east-2\.aws\.neon\.tech/);
    expect(run.stderr).not.toContain("s3cretpw");
  });

  test("Ctrl-C while pg_dump waits: exit non-zero, nothing new in the store, latest unchanged", async () => {
    const before = readdirSync(store).sort();
    // a lock held by another session makes the backup wait inside pg_dump/the snapshot
    const { Client } = await import("pg");
    const locker = new Client({ connectionString: src });
    await locker.connect();
    try {
      await locker.query("BEGIN; LOCK TABLE payments IN ACCESS EXCLUSIVE MODE");
      const { child, done } = startCli(["backup", "--db", src, "--store", store]);
      // wait until the backup is blocked on the lock
      for (let i = 0; i < 600; i++) {
        const [row] = await query<{ n: string }>(src, "SELECT count(*) AS n FROM pg_locks WHERE NOT granted");
        if (Number(row.n) > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill("SIGINT");
      const run = await done;
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain("SIGINT received, cleaning up");
      expect(run.stderr).toMatch(/^bloom-dr backup: .*interrupt/im);
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      await locker.end();
    }
    expect(readdirSync(store).sort()).toEqual(before);
    expect(JSON.parse((await import("node:fs")).readFileSync(path.join(store, "latest.json"), "utf8")).id ?? "").toBe(
      secondId,
    );
    // no pg_dump of this cluster left running (the port travels in PGPORT, not argv)
    expect(pgDumpProcessesFor(cluster.port)).toEqual([]);
  });
});

describe("backups", () => {
  test("--json lists every complete backup newest first and marks latest", async () => {
    const out = parseJson(await cli("backups", "--store", store, "--json"));
    expect(out.ok).toBe(true);
    expect(out.latest).toBe(secondId);
    expect(out.skipped).toEqual([]);
    expect(out.backups.map((b: { id: string }) => b.id)).toEqual([secondId, firstId]);
    expect(out.backups[0]).toMatchObject({
      id: secondId,
      label: null,
      latest: true,
      tables: 5,
      rows: expect.any(Number),
      bytes: expect.any(Number),
      finishedAt: expect.any(String),
    });
    expect(out.backups[1]).toMatchObject({ id: firstId, label: "first", latest: false });
  });

  test("the human table marks the latest row with *", async () => {
    const run = await cli("backups", "--store", store);
    expect(run.code).toBe(0);
    const rows = lines(run.stdout);
    expect(rows[0]).toMatch(/ID +LABEL +FINISHED +SIZE +TABLES +ROWS/);
    expect(rows[2]).toMatch(new RegExp(`^\\* +${secondId} `));
    expect(rows[3]).toMatch(new RegExp(`^ +${firstId} +first `));
    expect(rows.at(-1)).toBe(`2 backups in file://${store}; * = latest`);
  });

  test("a malformed manifest is not listed, and named: a stderr warning, and skipped in --json", async () => {
    const damaged = path.join(work, "malformed-catalog");
    (await import("node:fs")).cpSync(store, damaged, { recursive: true });
    const key = "20261101T000000000Z-abcdef.json";
    writeFileSync(path.join(damaged, key), '{"id": "20261101T000000000Z-abcdef", "truncated');
    const human = await cli("backups", "--store", damaged);
    expect(human.code).toBe(0);
    expect(lines(human.stderr)).toContain(`warning: ${key} is malformed, not listed`);
    expect(lines(human.stdout).at(-1)).toBe(`2 backups in file://${damaged}; * = latest`);
    const json = await cli("backups", "--store", damaged, "--json");
    expect(json.code).toBe(0);
    const out = parseJson(json);
    expect(out.backups.map((b: { id: string }) => b.id)).toEqual([secondId, firstId]);
    expect(out.skipped).toEqual([{ key, reason: expect.stringMatching(/not valid JSON/) }]);
    expect(lines(json.stderr)).toContain(`warning: ${key} is malformed, not listed`);
  });

  test("an empty store says so and exits 0", async () => {
    const empty = path.join(work, "empty");
    (await import("node:fs")).mkdirSync(empty);
    const run = await cli("backups", "--store", empty);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`no complete backups in file://${empty}`);
  });
});

describe("restore", () => {
  test("--json into an empty database: every table identical, phases timed", async () => {
    const target = await createDatabase(cluster, "restored_json");
    const run = await cli(
      "restore",
      "--store",
      store,
      "--backup",
      "latest",
      "--target",
      target,
      "--jobs",
      "2",
      "--json",
    );
    expect(run.code).toBe(0);
    const out = parseJson(run);
    expect(out).toMatchObject({
      ok: true,
      command: "restore",
      backup: secondId,
      jobs: 2,
      clean: false,
      target: expect.stringContaining(":***@"),
    });
    for (const phase of ["connectMs", "downloadMs", "restoreMs", "validateMs"])
      expect(out.phases[phase]).toBeGreaterThanOrEqual(0);
    // the phases, connecting and checking the target included, add up to the reported total
    expect(Object.values(out.phases as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(out.totalMs, 6);
    expect(Object.keys(out.tables).sort()).toEqual(BLOOM_TABLES);
    for (const t of Object.values(out.tables) as { expected: number; actual: number }[])
      expect(t.actual).toBe(t.expected);
    expect(out.schema).toEqual({
      expected: expect.stringMatching(/^[0-9a-f]{64}$/),
      actual: out.schema.expected,
      matches: true,
    });
    expect(await tableDigests(target)).toEqual(await tableDigests(src));
    expect(run.stdout).not.toContain(cluster.password);
  });

  test("a non-empty target without --clean is refused and left unchanged", async () => {
    const target = await createDatabase(cluster, "restored_busy");
    await query(target, "CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1), (2)");
    const run = await cli("restore", "--store", store, "--backup", firstId, "--target", target);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expectOneLineError(run, "restore", /--clean|not empty|non-empty/i);
    expect(await tableDigests(target)).toEqual({ "public.keep_me": expect.stringMatching(/^2:/) });
  });

  test("--clean restores over an existing copy, runs --then with DATABASE_URL, prints the phase table", async () => {
    const target = await createDatabase(cluster, "restored_clean");
    expect((await cli("restore", "--store", store, "--backup", firstId, "--target", target)).code).toBe(0);
    await query(
      target,
      "DELETE FROM payments WHERE id % 2 = 0; CREATE SCHEMA scratch; CREATE TABLE scratch.notes (id int)",
    );
    const marker = path.join(work, "then-ran");
    const script = path.join(work, "then.js");
    writeFileSync(
      script,
      `require("fs").writeFileSync(${JSON.stringify(marker)}, new URL(process.env.DATABASE_URL).pathname)`,
    );
    const run = await cli(
      "restore",
      "--store",
      store,
      "--backup",
      firstId,
      "--target",
      target,
      "--clean",
      "--then",
      `node ${script}`,
    );
    expect(run.code).toBe(0);
    // said before anything is dropped: the target (no password) and every schema, the stray one included
    expect(lines(run.stderr)).toContain(
      `restore --clean: emptying postgresql://postgres:***@127.0.0.1:${cluster.port}/restored_clean: dropping schemas public, scratch with everything in them (CASCADE), including objects the backup does not contain, then recreating public`,
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^restored ${firstId} \\(snapshot .+\\) into postgresql://postgres:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/restored_clean$`,
        "m",
      ),
    );
    for (const phase of [
      "connect \\+ check target",
      "download \\+ verify",
      "restore",
      "validate",
      "then",
      "total \\(RTO\\)",
    ])
      expect(run.stdout).toMatch(new RegExp(`^${phase} +\\d`, "m"));
    expect(run.stdout).toMatch(/^5 tables, [\d,]+ rows: every row count matches the manifest$/m);
    expect(lines(run.stdout).at(-1)).toBe("schema fingerprint: matches the backup");
    expect(existsSync(marker) && (await import("node:fs")).readFileSync(marker, "utf8")).toBe("/restored_clean");
    expect(await tableDigests(target)).toEqual(await tableDigests(src));
  });

  test("--clean --json: the notice is not printed, stdout is the one JSON object", async () => {
    const target = await createDatabase(cluster, "restored_clean_json");
    await query(target, "CREATE TABLE stray (id int)");
    const run = await cli("restore", "--store", store, "--backup", firstId, "--target", target, "--clean", "--json");
    expect(run.code).toBe(0);
    expect(parseJson(run)).toMatchObject({ ok: true, clean: true });
    expect(run.stderr).not.toContain("restore --clean:");
    expect(await tableDigests(target)).toEqual(await tableDigests(src));
  });

  test("an unknown backup id: exit 1, one line naming it", async () => {
    const target = await createDatabase(cluster, "restored_none");
    const run = await cli("restore", "--store", store, "--backup", "20990101T000000000Z-abcdef", "--target", target);
    expect(run.code).toBe(1);
    expectOneLineError(run, "restore", /20990101T000000000Z-abcdef/);
  });

  test("a corrupt dump is refused before the target is touched", async () => {
    const damaged = path.join(work, "damaged");
    (await import("node:fs")).cpSync(store, damaged, { recursive: true });
    const dump = path.join(damaged, `${secondId}.dump`);
    const fs = await import("node:fs");
    const bytes = fs.readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(dump, bytes);
    const target = await createDatabase(cluster, "restored_corrupt");
    const run = await cli("restore", "--store", damaged, "--backup", "latest", "--target", target, "--json");
    expect(run.code).toBe(1);
    expect(parseJson(run)).toEqual({ ok: false, command: "restore", error: expect.stringMatching(/sha256/i) });
    expect(await tableDigests(target)).toEqual({});
  });
});

describe("prune", () => {
  test("--keep 1 removes all but the newest complete backup", async () => {
    const copy = path.join(work, "prunable");
    (await import("node:fs")).cpSync(store, copy, { recursive: true });
    const run = await cli("prune", "--store", copy, "--keep", "1", "--json");
    expect(run.code).toBe(0);
    expect(parseJson(run)).toEqual({
      ok: true,
      command: "prune",
      store: `file://${copy}`,
      keep: 1,
      keepDays: null,
      removed: [firstId],
      leftovers: [],
      kept: [secondId],
    });
    expect(readdirSync(copy).sort()).toEqual([`${secondId}.dump`, `${secondId}.json`, "latest.json"].sort());
  });

  test("--keep-days keeps young backups beyond --keep; human summary lists both", async () => {
    const run = await cli("prune", "--store", store, "--keep", "1", "--keep-days", "7");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`file://${store}: removed 0 backups, kept 2 backups`);
    expect(run.stdout).toMatch(new RegExp(`^  kept +${secondId}$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^  kept +${firstId}$`, "m"));
  });
});
