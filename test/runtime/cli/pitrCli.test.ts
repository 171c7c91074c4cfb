/** `bloom-dr pitr recover|export|import` end to end against real databases. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { cli, lines } from "./runCli";

let cluster: LocalCluster;
let work: string;
let branch: string;

const INCIDENT = `
  DELETE FROM payments WHERE reservation_id IN (SELECT id FROM reservations WHERE client_id <= 10);
  DELETE FROM reservations WHERE client_id <= 10;
  DELETE FROM clients WHERE id <= 10;`;
const copy = async (from: string, to: string) => {
  await query(cluster.url(), `CREATE DATABASE ${to} TEMPLATE ${from}`);
  return cluster.url(to);
};

beforeAll(async () => {
  cluster = await startTestCluster("pitr-cli");
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-pitr-cli-"));
  await query(cluster.url(), "CREATE DATABASE bloom");
  await generateBloomDatabase(cluster.url("bloom"), 0.01);
  branch = await copy("bloom", "branch");
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("recover: dry run table, then --apply, then nothing left to do", async () => {
  const target = await copy("bloom", "recover_target");
  await query(target, INCIDENT);
  const lost = Number(
    (await query<{ n: string }>(branch, "SELECT count(*) n FROM reservations WHERE client_id <= 10"))[0].n,
  );
  const before = await tableDigests(target);

  const dry = await cli("pitr", "recover", "--from", branch, "--target", target, "--tables", "reservations,clients");
  expect(dry.code).toBe(0);
  const out = lines(dry.stdout);
  expect(out[0]).toBe(
    `pitr recover from postgresql://postgres:***@127.0.0.1:${cluster.port}/branch into postgresql://postgres:***@127.0.0.1:${cluster.port}/recover_target (parents first)`,
  );
  expect(out[2]).toMatch(/^table\s+would insert\s+already in target$/);
  expect(out[4]).toMatch(/^public\.clients\s+10\s+\d+$/);
  expect(out[5]).toMatch(new RegExp(`^public\\.reservations\\s+${lost}\\s+\\d+$`));
  expect(out[7]).toBe(
    `DRY RUN: nothing was changed. Re-run with --apply to insert ${10 + lost} row(s) in one transaction.`,
  );
  expect(await tableDigests(target)).toEqual(before);

  const applied = await cli(
    "pitr",
    "recover",
    "--from",
    branch,
    "--target",
    target,
    "--tables",
    "reservations,clients,payments",
    "--apply",
    "--json",
  );
  expect(applied.code).toBe(0);
  const data = JSON.parse(applied.stdout);
  expect(data).toMatchObject({
    ok: true,
    command: "pitr recover",
    applied: true,
    totals: { inserted: data.totals.missing },
  });
  expect(data.tables.map((t: { table: string }) => t.table)).toEqual([
    "public.clients",
    "public.reservations",
    "public.payments",
  ]);
  expect(await tableDigests(target)).toEqual(await tableDigests(branch));

  const again = await cli(
    "pitr",
    "recover",
    "--from",
    branch,
    "--target",
    target,
    "--tables",
    "reservations,clients,payments",
  );
  expect(lines(again.stdout).pop()).toBe("DRY RUN: nothing is missing; nothing to do.");
});

test("export then import through a reviewable file", async () => {
  const target = await copy("bloom", "import_target");
  await query(target, INCIDENT);
  const file = path.join(work, "recovery.sql");
  const exported = await cli(
    "pitr",
    "export",
    "--from",
    branch,
    "--tables",
    "payments,reservations,clients",
    "--out",
    file,
  );
  expect(exported.code).toBe(0);
  expect(exported.stdout).toContain(`wrote ${file} (`);
  expect(readFileSync(file, "utf8")).toMatch(/^-- bloom-dr pitr export/);

  const dry = await cli("pitr", "import", "--file", file, "--target", target);
  expect(dry.code).toBe(0);
  expect(lines(dry.stdout).pop()).toMatch(
    /^DRY RUN: ran in a transaction and rolled back; nothing was changed\. Re-run with --apply to insert \d+ row\(s\)\.$/,
  );
  const applied = await cli("pitr", "import", "--file", file, "--target", target, "--apply", "--json");
  expect(applied.code).toBe(0);
  expect(JSON.parse(applied.stdout)).toMatchObject({ ok: true, command: "pitr import", applied: true });
  expect(await tableDigests(target)).toEqual(await tableDigests(branch));
});

test.each<[string, string[], number, RegExp]>([
  [
    "an unknown table",
    ["recover", "--tables", "reservations,nope"],
    1,
    /^bloom-dr pitr recover: unknown table public\.nope: not found in the branch or the target; nothing was changed$/,
  ],
  [
    "an injection attempt",
    ["recover", "--tables", "clients; DROP TABLE clients"],
    1,
    /^bloom-dr pitr recover: unknown table public\.clients; DROP TABLE clients: not found in the branch or the target; nothing was changed$/,
  ],
  [
    "a malformed list",
    ["recover", "--tables", "a.b.c"],
    2,
    /^bloom-dr pitr recover: --tables: table name "a\.b\.c" has more than two parts/,
  ],
  ["a missing --tables", ["recover"], 2, /^bloom-dr pitr recover: --tables is required/],
])("%s: the exit code, one line, nothing changed", async (_name, args, code, message) => {
  const target = cluster.url("bloom");
  const before = await tableDigests(target);
  const [sub, ...rest] = args;
  const run = await cli("pitr", sub, "--from", branch, "--target", target, ...rest);
  expect(run.code).toBe(code);
  expect(lines(run.stderr)).toHaveLength(1);
  expect(lines(run.stderr)[0]).toMatch(message);
  expect(await tableDigests(target)).toEqual(before);
});

test("export to a directory that does not exist: exit 1, one line, no stack trace, nothing left behind", async () => {
  const parent = path.join(work, "no-such-dir");
  const out = path.join(parent, "x.sql");
  const before = readdirSync(work);
  const run = await cli("pitr", "export", "--from", branch, "--tables", "clients", "--out", out);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr).toBe(
    `bloom-dr pitr export: cannot write ${out}: no such directory: create it or choose another --out\n`,
  );
  expect(readdirSync(work)).toEqual(before);
});

test("import refuses a file that is not an export", async () => {
  const run = await cli(
    "pitr",
    "import",
    "--file",
    path.join(work, "nope.sql"),
    "--target",
    cluster.url("bloom"),
    "--apply",
  );
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(
    /^bloom-dr pitr import: cannot read .*nope\.sql: ENOENT; give the file pitr export wrote\n$/,
  );
});
