/**
 * `bloom-dr readiness` against real state: backups taken by the real backup path from a real
 * PostgreSQL (as a non-superuser owner role) into a directory store and an S3 server, drill
 * reports in the format `bloom-dr drill` writes, contacts.json files. The clock is injected.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { writeReport } from "../../../runtime/lib/drills/report";
import { DrillName, DrillReport } from "../../../runtime/lib/drills/types";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { ReadinessAws } from "../../../runtime/lib/readiness/aws";
import { checkBackups } from "../../../runtime/lib/readiness/backups";
import { checkReadiness } from "../../../runtime/lib/readiness/checklist";
import { checkContacts } from "../../../runtime/lib/readiness/contactsCheck";
import { checkDrills } from "../../../runtime/lib/readiness/drillReports";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster } from "../../support/postgres";
import { startS3Server, TestS3Server } from "../../support/s3Server";

const HOUR = 3_600_000;
/** Never called: these tests give no --stack or --dr-stack. */
const NO_AWS: ReadinessAws = {
  listSubscriptions: () => Promise.reject(new Error("no AWS in this test")),
  readSecret: () => Promise.reject(new Error("no AWS in this test")),
  readMetric: () => Promise.reject(new Error("no AWS in this test")),
};

const COMPLETE_CONTACTS = {
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
let dbUrl: string;
let work: string;
let storeDir: string;
let manifest: BackupManifest;

function dir(name: string): string {
  const d = path.join(work, name);
  mkdirSync(d, { recursive: true });
  return d;
}

function report(
  finishedAt: string,
  drills: [DrillName, boolean, string?][],
  platform: "local" | "cloud" = "local",
): DrillReport {
  const end = new Date(finishedAt);
  return {
    startedAt: new Date(end.getTime() - 5000).toISOString(),
    finishedAt,
    platform,
    scale: 0.05,
    drills: drills.map(([name, passed, failure]) => ({
      name,
      passed,
      steps: [{ name: "provision platform", startedAt: end.toISOString(), durationMs: 1000 }],
      rtoMs: 1000,
      rpoMs: 50,
      expectedRtoMs: 1_800_000,
      details: failure ? { failure } : {},
    })),
  };
}

beforeAll(async () => {
  cluster = await startTestCluster("readiness");
  await query(cluster.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
  await query(cluster.url(), "CREATE DATABASE bloom OWNER app");
  dbUrl = `postgresql://app:app-pw@127.0.0.1:${cluster.port}/bloom`;
  await query(dbUrl, "CREATE TABLE clinics (id int PRIMARY KEY, name text); INSERT INTO clinics VALUES (1, 'Norte')");
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-readiness-"));
  storeDir = dir("store");
  ({ manifest } = await runBackup({ dbUrl, store: openStore(storeDir) }));
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("backups", () => {
  test("a fresh store: both items PASS, with the evidence", async () => {
    const now = new Date(Date.parse(manifest.snapshotAt) + 3 * HOUR + 5 * 60_000);
    expect(await checkBackups(openStore(storeDir), now)).toEqual([
      {
        id: "backups.fresh",
        title: "newest complete backup younger than the RPO (24 h)",
        status: "PASS",
        reason: `backup ${manifest.id} in file://${storeDir}: snapshot ${manifest.snapshotAt}, 3 h 5 min old`,
      },
      {
        id: "backups.intact",
        title: "newest backup's manifest and checksum intact",
        status: "PASS",
        reason: `backup ${manifest.id}: manifest parses, latest.json points at it, the dump's ${manifest.dump.bytes} bytes have the recorded sha256 ${manifest.dump.sha256.slice(0, 12)}…`,
      },
    ]);
  });

  test("a stale store: older than the RPO is a FAIL that says what to do", async () => {
    const now = new Date(Date.parse(manifest.snapshotAt) + 25 * HOUR);
    const [fresh, intact] = await checkBackups(openStore(storeDir), now);
    expect(fresh).toMatchObject({
      status: "FAIL",
      reason: `the newest backup ${manifest.id} in file://${storeDir} is 25 h 0 min old (snapshot ${manifest.snapshotAt}), older than the RPO of 24 h: check the dump job and its alarms, or run bloom-dr backup`,
    });
    expect(intact.status).toBe("PASS");
  });

  test("exactly 24 h old still meets the RPO", async () => {
    const [fresh] = await checkBackups(openStore(storeDir), new Date(Date.parse(manifest.snapshotAt) + 24 * HOUR));
    expect(fresh.status).toBe("PASS");
  });

  test("a dump whose bytes changed: intact FAILs naming the checksum", async () => {
    const copy = dir("corrupt");
    for (const f of [`${manifest.id}.dump`, `${manifest.id}.json`, "latest.json"])
      copyFileSync(path.join(storeDir, f), path.join(copy, f));
    const dump = readFileSync(path.join(copy, `${manifest.id}.dump`));
    dump[dump.length - 10] ^= 0xff;
    writeFileSync(path.join(copy, `${manifest.id}.dump`), dump);
    const [, intact] = await checkBackups(openStore(copy), new Date(Date.parse(manifest.snapshotAt) + HOUR));
    expect(intact).toMatchObject({ status: "FAIL" });
    expect(intact.reason).toMatch(
      new RegExp(
        `^backup ${manifest.id}: dump ${manifest.id}\\.dump has sha256 [0-9a-f]{12}… but its manifest says ${manifest.dump.sha256.slice(0, 12)}… \\(corrupt\\); take a new backup \\(bloom-dr backup\\)$`,
      ),
    );
  });

  test("no latest.json: intact FAILs (restore --backup latest would fail)", async () => {
    const copy = dir("no-latest");
    for (const f of [`${manifest.id}.dump`, `${manifest.id}.json`])
      copyFileSync(path.join(storeDir, f), path.join(copy, f));
    const [, intact] = await checkBackups(openStore(copy), new Date(Date.parse(manifest.snapshotAt) + HOUR));
    expect(intact).toMatchObject({
      status: "FAIL",
      reason: `file://${copy} has no latest.json: "restore --backup latest" would fail; run bloom-dr backup`,
    });
  });

  test("an empty store: fresh FAILs, intact is NOT CHECKED", async () => {
    const empty = dir("empty");
    expect((await checkBackups(openStore(empty), new Date())).map((i) => [i.status, i.reason])).toEqual([
      ["FAIL", `no complete backup in file://${empty}: check the dump job, or run bloom-dr backup`],
      ["NOT CHECKED", "no complete backup to check (see backups.fresh)"],
    ]);
  });

  describe("an S3 store", () => {
    let s3: TestS3Server;
    beforeAll(async () => {
      s3 = await startS3Server();
    });
    afterAll(async () => {
      await s3?.stop();
    });

    test("the same checks through the S3 API", async () => {
      const store = openStore(`s3://${s3.bucket}/production`, { env: s3.env });
      const { manifest: m } = await runBackup({ dbUrl, store });
      const items = await checkBackups(store, new Date(Date.parse(m.snapshotAt) + HOUR));
      expect(items.map((i) => [i.id, i.status])).toEqual([
        ["backups.fresh", "PASS"],
        ["backups.intact", "PASS"],
      ]);
      expect(items[0].reason).toBe(
        `backup ${m.id} in s3://${s3.bucket}/production: snapshot ${m.snapshotAt}, 1 h 0 min old`,
      );
    });
  });
});

describe("drill reports", () => {
  const NOW = new Date("2025-04-20T06:00:05.000Z");

  test("present reports: each drill's newest pass within the quarter; the last restore test", () => {
    const reports = dir("reports-present");
    writeReport(reports, report("2025-01-15T06:00:05.000Z", [["pitr", true]]));
    writeReport(reports, report("2025-04-15T06:00:05.000Z", [["pitr", true]]));
    writeReport(reports, report("2025-02-15T06:00:05.000Z", [["restore", true]], "cloud"));
    writeReport(reports, report("2024-12-15T06:00:05.000Z", [["failover", true]]));
    writeReport(reports, report("2025-04-21T06:00:05.000Z", [["failover", true]])); // after now: not counted
    writeFileSync(path.join(reports, "drill-broken.json"), "{ not json");
    const items = checkDrills(reports, NOW);
    expect(items.map((i) => [i.id, i.status, i.reason])).toEqual([
      [
        "backups.restoreTest",
        "PASS",
        "the last restore drill passed on 2025-02-15T06:00:05.000Z (64 days ago, cloud platform, drill-2025-02-15T06-00-00-000Z.json)",
      ],
      [
        "drills.pitr",
        "PASS",
        "passed on 2025-04-15T06:00:05.000Z (5 days ago, local platform, drill-2025-04-15T06-00-00-000Z.json)",
      ],
      [
        "drills.restore",
        "PASS",
        "passed on 2025-02-15T06:00:05.000Z (64 days ago, cloud platform, drill-2025-02-15T06-00-00-000Z.json)",
      ],
      [
        "drills.failover",
        "FAIL",
        "the last failover drill was on 2024-12-15T06:00:05.000Z (126 days ago, local platform, drill-2024-12-15T06-00-00-000Z.json), more than a quarter (92 days) ago (1 unreadable report(s) ignored: drill-broken.json): run bloom-dr drill failover",
      ],
    ]);
  });

  test("failed drills: the restore test FAILs on the newest restore drill; a quarter with only failures FAILs", () => {
    const reports = dir("reports-failed");
    writeReport(
      reports,
      report("2025-03-15T06:00:05.000Z", [
        ["restore", true],
        ["pitr", true],
        ["failover", true],
      ]),
    );
    writeReport(
      reports,
      report("2025-04-15T06:00:05.000Z", [
        ["restore", false, "verify found 3 orphan rows on the target"],
        ["failover", false, "smoke query returned 0"],
      ]),
    );
    expect(checkDrills(reports, NOW).map((i) => [i.id, i.status, i.reason])).toEqual([
      [
        "backups.restoreTest",
        "FAIL",
        "the last restore drill failed on 2025-04-15T06:00:05.000Z (5 days ago, local platform, drill-2025-04-15T06-00-00-000Z.json): verify found 3 orphan rows on the target",
      ],
      [
        "drills.pitr",
        "PASS",
        "passed on 2025-03-15T06:00:05.000Z (36 days ago, local platform, drill-2025-03-15T06-00-00-000Z.json)",
      ],
      [
        "drills.restore",
        "PASS",
        "passed on 2025-03-15T06:00:05.000Z (36 days ago, local platform, drill-2025-03-15T06-00-00-000Z.json)",
      ],
      [
        "drills.failover",
        "PASS",
        "passed on 2025-03-15T06:00:05.000Z (36 days ago, local platform, drill-2025-03-15T06-00-00-000Z.json)",
      ],
    ]);
    writeReport(reports, report("2025-01-10T06:00:05.000Z", [["pitr", false, "47 of 50 recovered"]]));
    const later = new Date("2025-06-20T06:00:05.000Z");
    expect(checkDrills(reports, later).find((i) => i.id === "drills.failover")).toMatchObject({
      status: "FAIL",
      reason:
        "every failover drill of the last quarter failed, the last on 2025-04-15T06:00:05.000Z (66 days ago, local platform, drill-2025-04-15T06-00-00-000Z.json): smoke query returned 0: run bloom-dr drill failover",
    });
  });

  test("missing reports: every drill FAILs naming the directory", () => {
    const reports = dir("reports-none");
    expect(checkDrills(reports, NOW).map((i) => [i.status, i.reason])).toEqual([
      ["FAIL", `no restore drill report in ${reports}: run bloom-dr drill restore`],
      ["FAIL", `no pitr drill report in ${reports}: run bloom-dr drill pitr`],
      ["FAIL", `no restore drill report in ${reports}: run bloom-dr drill restore`],
      ["FAIL", `no failover drill report in ${reports}: run bloom-dr drill failover`],
    ]);
  });

  test("without --reports: NOT CHECKED", () => {
    expect(checkDrills(undefined, NOW).map((i) => i.status)).toEqual(Array(4).fill("NOT CHECKED"));
  });
});

describe("contacts", () => {
  function contacts(name: string, content: string): string {
    const file = path.join(dir("contacts"), name);
    writeFileSync(file, content);
    return file;
  }

  test.each([
    ["complete", JSON.stringify(COMPLETE_CONTACTS), "PASS", (f: string) => `${f}: a contact for each of the 8 roles`],
    [
      "incomplete",
      JSON.stringify({ "On-call DevOps": "+52 55 1234 5678", CTO: "cto@bloom.mx" }),
      "FAIL",
      (f: string) =>
        `${f} has no contact for CEO, DevOps Lead, Team Lead, Any Developer, Tech Lead, Neon Support: every role of the escalation matrix and the playbook's contact list needs one`,
    ],
    [
      "placeholder",
      JSON.stringify({ ...COMPLETE_CONTACTS, "On-call DevOps": "+52-XXX-XXX-XXXX (PagerDuty)" }),
      "FAIL",
      (f: string) =>
        `${f}: "On-call DevOps" is still the playbook's placeholder "+52-XXX-XXX-XXXX (PagerDuty)": write the real contact`,
    ],
  ])("%s contacts.json", (name, content, status, reason) => {
    const file = contacts(`${name}.json`, content);
    expect(checkContacts(file)).toEqual({
      id: "contacts",
      title: "escalation contacts complete (contacts.json), no playbook placeholders",
      status,
      reason: reason(file),
    });
  });

  test("no contacts.json: FAIL, the playbook's placeholders would be shown", () => {
    const file = path.join(work, "nowhere", "contacts.json");
    expect(checkContacts(file)).toMatchObject({
      status: "FAIL",
      reason: `no ${file}: incidents would show the playbook's placeholders (+52-XXX-XXX-XXXX); write one contact per role (docs/operations.md, Contacts)`,
    });
  });
});

describe("checkReadiness", () => {
  test("everything given and in order: ok, the stack items NOT CHECKED without --stack", async () => {
    const reports = dir("reports-all-pass");
    const now = new Date(Date.parse(manifest.snapshotAt) + HOUR);
    writeReport(
      reports,
      report(new Date(now.getTime() - 10 * 24 * HOUR).toISOString(), [
        ["pitr", true],
        ["restore", true],
        ["failover", true],
      ]),
    );
    const file = path.join(dir("contacts-ok"), "contacts.json");
    writeFileSync(file, JSON.stringify(COMPLETE_CONTACTS));
    const result = await checkReadiness({
      now,
      store: openStore(storeDir),
      reportsDir: reports,
      contactsFile: file,
      aws: NO_AWS,
    });
    expect(result.items.map((i) => [i.id, i.status])).toEqual([
      ["backups.fresh", "PASS"],
      ["backups.intact", "PASS"],
      ["backups.restoreTest", "PASS"],
      ["drills.pitr", "PASS"],
      ["drills.restore", "PASS"],
      ["drills.failover", "PASS"],
      ["contacts", "PASS"],
      ["stack.databaseUrlSecret", "NOT CHECKED"],
      ["stack.sev1Subscription", "NOT CHECKED"],
      ["stack.healthProbe", "NOT CHECKED"],
      ["stack.maintenanceParameter", "NOT CHECKED"],
      ["stack.restoreTestMetric", "NOT CHECKED"],
      ["playbook.statusPage", "NOT CHECKED"],
    ]);
    expect(result).toMatchObject({
      ok: true,
      checkedAt: now.toISOString(),
      counts: { pass: 7, fail: 0, notChecked: 6 },
    });
  });

  test("one failure makes it not ok", async () => {
    const now = new Date(Date.parse(manifest.snapshotAt) + 30 * HOUR);
    const file = path.join(dir("contacts-ok2"), "contacts.json");
    writeFileSync(file, JSON.stringify(COMPLETE_CONTACTS));
    const result = await checkReadiness({ now, store: openStore(storeDir), contactsFile: file, aws: NO_AWS });
    expect(result.ok).toBe(false);
    expect(result.items.filter((i) => i.status === "FAIL").map((i) => i.id)).toEqual(["backups.fresh"]);
  });
});
