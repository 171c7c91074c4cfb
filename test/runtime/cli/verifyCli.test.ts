/** `bloom-dr verify` end to end: the real CLI as a child process against a real cluster. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { query, startTestCluster } from "../../support/postgres";
import { cli, lines } from "./runCli";

let cluster: LocalCluster;
let work: string;

beforeAll(async () => {
  cluster = await startTestCluster("verify-cli");
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-verify-cli-"));
  await query(cluster.url(), "CREATE DATABASE bloom");
  await generateBloomDatabase(cluster.url("bloom"), 0.01);
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

const copy = async (name: string) => {
  await query(cluster.url(), `CREATE DATABASE ${name} TEMPLATE bloom`);
  return cluster.url(name);
};

test("a clean database: exit 0, what was checked, no password in the output", async () => {
  const run = await cli("verify", "--db", cluster.url("bloom"));
  expect(run.code).toBe(0);
  expect(lines(run.stdout)).toEqual([
    `verify postgresql://postgres:***@127.0.0.1:${cluster.port}/bloom`,
    expect.stringMatching(/^checked: 5 foreign keys, \d+ constraints, \d+ B-tree indexes with amcheck$/),
    "OK: no findings",
  ]);
  expect(run.stdout + run.stderr).not.toContain(cluster.password);
});

test("orphans: exit 1, each finding with the fix to review, and --json as one object", async () => {
  const url = await copy("broken");
  await query(
    url,
    "SET session_replication_role = replica; DELETE FROM reservations WHERE id IN (SELECT reservation_id FROM payments ORDER BY id LIMIT 2)",
  );
  const run = await cli("verify", "--db", url, "--skip-amcheck");
  expect(run.code).toBe(1);
  expect(run.stdout).toContain("FINDINGS: 1 (fixes below are for review; verify ran none of them)");
  expect(run.stdout).toContain("1. [orphan-rows] public.payments.payments_reservation_id_fkey");
  expect(run.stdout).toContain(`     DELETE FROM ONLY "public"."payments" AS child`);
  expect(run.stdout).toContain("note: amcheck skipped: disabled by the caller");

  const json = await cli("verify", "--db", url, "--json");
  expect(json.code).toBe(1);
  expect(lines(json.stdout)).toHaveLength(1);
  const data = JSON.parse(json.stdout);
  expect(data).toMatchObject({
    ok: false,
    command: "verify",
    db: `postgresql://postgres:***@127.0.0.1:${cluster.port}/broken`,
    backup: null,
    checked: { foreignKeys: 5, amcheck: true },
    notes: [],
  });
  expect(data.findings).toEqual([
    {
      check: "orphan-rows",
      object: "public.payments.payments_reservation_id_fkey",
      detail: expect.stringMatching(/^\d+ row\(s\) of public.payments/),
      fixSql: expect.stringContaining("DELETE FROM"),
    },
  ]);
  const orphans = Number(
    (
      await query<{ n: string }>(
        url,
        "SELECT count(*) n FROM payments WHERE reservation_id NOT IN (SELECT id FROM reservations)",
      )
    )[0].n,
  );
  expect(orphans).toBeGreaterThan(0); // verify deleted nothing
});

test("row counts against a backup in a store", async () => {
  const url = await copy("counted");
  const store = path.join(work, "store");
  const backup = await cli("backup", "--db", url, "--store", store, "--json");
  expect(backup.code).toBe(0);
  expect(await cli("verify", "--db", url, "--store", store, "--skip-amcheck")).toMatchObject({ code: 0 });
  await query(url, "DELETE FROM payments WHERE id <= 3");
  const run = await cli("verify", "--db", url, "--store", store, "--backup", "latest", "--skip-amcheck", "--json");
  expect(run.code).toBe(1);
  const data = JSON.parse(run.stdout);
  expect(data.backup).toBe(JSON.parse(backup.stdout).id);
  expect(data.findings.map((f: { check: string; object: string }) => [f.check, f.object])).toEqual([
    ["row-count", "public.payments"],
  ]);
  // the fix names the store, so the restore command it prints runs as pasted
  const restoreLine = (data.findings[0].fixSql as string).split("\n").find((l) => l.includes("bloom-dr restore"))!;
  const pasted = restoreLine.replace(/^.*bloom-dr restore /, "").split(" ");
  expect(pasted).toEqual(["--store", `file://${store}`, "--backup", data.backup, "--target", "URL"]);
  await query(cluster.url(), "CREATE DATABASE scratch");
  const restored = await cli("restore", ...pasted.map((arg) => (arg === "URL" ? cluster.url("scratch") : arg)));
  expect(restored.stderr).toBe("");
  expect(restored.code).toBe(0);
});

test.each<[string, string[], number, RegExp]>([
  ["no --db", ["verify"], 2, /^bloom-dr verify: --db is required/],
  ["not a URL", ["verify", "--db", "mysql://x"], 2, /^bloom-dr verify: --db must start with postgresql:\/\//],
  [
    "--backup without --store",
    ["verify", "--db", "postgresql://u@h/d", "--backup", "latest"],
    2,
    /^bloom-dr verify: --backup needs --store/,
  ],
  [
    "an unreachable server",
    ["verify", "--db", "postgresql://postgres:pa55word@127.0.0.1:1/x"],
    1,
    /^bloom-dr verify: cannot connect to the database to verify: .*check --db/,
  ],
])("%s: the exit code and one line", async (_name, args, code, message) => {
  const run = await cli(...args);
  expect(run.code).toBe(code);
  expect(lines(run.stderr)).toHaveLength(1);
  expect(lines(run.stderr)[0]).toMatch(message);
  expect(run.stderr).not.toContain("pa55word");
});
