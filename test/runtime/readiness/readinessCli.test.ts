/**
 * `bloom-dr readiness` as a child process. The CLI's clock is the real one, so the state is made
 * relative to it (a backup taken now, reports dated now): the outcome is the same on any date.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { writeReport } from "../../../runtime/lib/drills/report";
import { DrillReport } from "../../../runtime/lib/drills/types";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster } from "../../support/postgres";
import { lines, startCli } from "../cli/runCli";

const CONTACTS = {
  "On-call DevOps": "+52 55 1234 5678 (PagerDuty)",
  "Any Developer": "#bloom-dev on Slack",
  CTO: "+52 55 8765 4321",
  CEO: "ceo@bloom.mx",
  "DevOps Lead": "ana@bloom.mx",
  "Team Lead": "luis@bloom.mx",
  "Tech Lead": "marta@bloom.mx",
  "Neon Support": "support@neon.tech (Pro plan)",
};

let cluster: LocalCluster;
let work: string;
let store: string;
let reports: string;
let home: string;

function drillsPassed(finishedAt: Date): DrillReport {
  return {
    startedAt: new Date(finishedAt.getTime() - 5000).toISOString(),
    finishedAt: finishedAt.toISOString(),
    platform: "local",
    scale: 0.05,
    drills: (["pitr", "restore", "failover"] as const).map((name) => ({
      name,
      passed: true,
      steps: [],
      rtoMs: 1000,
      rpoMs: 10,
      expectedRtoMs: 1_800_000,
      details: {},
    })),
  };
}

beforeAll(async () => {
  cluster = await startTestCluster("readiness-cli");
  await query(cluster.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
  await query(cluster.url(), "CREATE DATABASE bloom OWNER app");
  const dbUrl = `postgresql://app:app-pw@127.0.0.1:${cluster.port}/bloom`;
  await query(dbUrl, "CREATE TABLE clinics (id int PRIMARY KEY)");
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-readiness-cli-"));
  store = path.join(work, "store");
  await runBackup({ dbUrl, store: openStore(store) });
  reports = path.join(work, "reports");
  writeReport(reports, drillsPassed(new Date(Date.now() - 7 * 24 * 3_600_000)));
  home = path.join(work, "home");
  mkdirSync(home);
  writeFileSync(path.join(home, "contacts.json"), JSON.stringify(CONTACTS));
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("everything in order: exit 0, one JSON object, contacts found through $BLOOM_DR_HOME", async () => {
  const run = await startCli(["readiness", "--store", store, "--reports", reports, "--json"], {
    ...process.env,
    BLOOM_DR_HOME: home,
  }).done;
  expect(run.code).toBe(0);
  expect(lines(run.stdout)).toHaveLength(1);
  const json = JSON.parse(run.stdout);
  expect(json).toMatchObject({ ok: true, command: "readiness", counts: { pass: 7, fail: 0, notChecked: 6 } });
  expect(json.items.filter((i: { status: string }) => i.status === "PASS").map((i: { id: string }) => i.id)).toEqual([
    "backups.fresh",
    "backups.intact",
    "backups.restoreTest",
    "drills.pitr",
    "drills.restore",
    "drills.failover",
    "contacts",
  ]);
});

test("human output: a line per item, then the verdict; a missing contacts.json fails it (exit 1)", async () => {
  const empty = path.join(work, "empty-home");
  mkdirSync(empty);
  const run = await startCli(["readiness", "--store", store], { ...process.env, BLOOM_DR_HOME: empty }).done;
  expect(run.code).toBe(1);
  const out = lines(run.stdout);
  expect(out[0]).toMatch(/^readiness checklist \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/);
  expect(out).toContain("PASS         newest complete backup younger than the RPO (24 h) [backups.fresh]");
  expect(out).toContain(
    "FAIL         escalation contacts complete (contacts.json), no playbook placeholders [contacts]",
  );
  expect(out).toContain(
    `             no ${path.join(empty, "contacts.json")}: incidents would show the playbook's placeholders (+52-XXX-XXX-XXXX); write one contact per role (docs/operations.md, Contacts)`,
  );
  expect(out.at(-1)).toBe(
    "NOT READY: 2 passed, 1 failed, 10 not checked (not checked is not a failure: give the missing inputs to check them)",
  );
});

test("--stack whose outputs cannot be read: its items FAIL with the reason, exit 1", async () => {
  const run = await startCli(
    ["readiness", "--contacts", path.join(home, "contacts.json"), "--stack", "nope", "--pulumi-dir", work, "--json"],
    { ...process.env, PATH: "/usr/bin:/bin" }, // no Pulumi CLI on this PATH
  ).done;
  expect(run.code).toBe(1);
  const stackItems = JSON.parse(run.stdout).items.filter((i: { id: string }) => i.id.startsWith("stack."));
  expect(stackItems.map((i: { status: string }) => i.status)).toEqual(["FAIL", "FAIL", "FAIL", "FAIL", "NOT CHECKED"]);
  expect(stackItems[0].reason).toMatch(
    new RegExp(`^cannot read the outputs of stack nope: cannot select Pulumi stack nope in ${work}: .*pulumi`),
  );
});

test.each([
  [["readiness", "--reports", "/nonexistent/reports"], "--reports /nonexistent/reports: no such directory"],
  [["readiness", "--contacts", "/nonexistent/contacts.json"], "--contacts /nonexistent/contacts.json: no such file"],
  [["readiness", "--pulumi-dir", "/tmp"], "--pulumi-dir applies to --stack only"],
  [
    ["readiness", "--store", "/nonexistent/store"],
    "--store /nonexistent/store: directory /nonexistent/store does not exist",
  ],
])("usage error %#: exit 2, one line", async (args, message) => {
  const run = await startCli(args).done;
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`bloom-dr readiness: ${message}`);
  expect(run.stdout).toBe("");
});
