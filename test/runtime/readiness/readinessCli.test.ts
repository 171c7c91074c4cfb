/**
 * `bloom-dr readiness` as a child process. The CLI's clock is the real one, so the state is made
 * relative to it (a backup taken now, reports dated now): the outcome is the same on any date.
 * The --stack/--dr-stack path also runs in process with a fake StackOutputsLoader, a fixed clock
 * and the real CloudWatch SDK client against a loopback server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CommandIO } from "../../../runtime/cli/command";
import { readiness } from "../../../runtime/cli/commands/readinessAction";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { writeReport } from "../../../runtime/lib/drills/report";
import { DrillReport } from "../../../runtime/lib/drills/types";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { StackOutputs } from "../../../runtime/lib/platform/stackDriver";
import { awsReadinessClients } from "../../../runtime/lib/readiness/aws";
import { openStore } from "../../../runtime/lib/store/openStore";
import { CloudWatchServer, startCloudWatchServer } from "../../support/cloudWatchServer";
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
  expect(stackItems[4].reason).toBe(
    "no --dr-stack given: name the dr Pulumi stack (its scheduled restore test writes BloomDR/RestoreSucceeded); backups.restoreTest stands in",
  );
});

test("--dr-stack whose outputs cannot be read: the restore test's metric FAILs with the reason, exit 1", async () => {
  const run = await startCli(
    [
      "readiness",
      "--contacts",
      path.join(home, "contacts.json"),
      "--dr-stack",
      "nope-dr",
      "--pulumi-dir",
      work,
      "--json",
    ],
    { ...process.env, PATH: "/usr/bin:/bin" }, // no Pulumi CLI on this PATH
  ).done;
  expect(run.code).toBe(1);
  const json = JSON.parse(run.stdout);
  expect(json.counts).toEqual({ pass: 1, fail: 1, notChecked: 11 });
  const metric = json.items.find((i: { id: string }) => i.id === "stack.restoreTestMetric");
  expect(metric.status).toBe("FAIL");
  expect(metric.reason).toMatch(
    new RegExp(`^cannot read the outputs of dr stack nope-dr: cannot select Pulumi stack nope-dr in ${work}: .*pulumi`),
  );
});

describe("in process: --stack and --dr-stack through a fake StackOutputsLoader, CloudWatch on loopback", () => {
  const NOW = new Date("2026-03-10T08:00:00Z");
  const DR_REGION = "eu-west-1";
  let cloudWatch: CloudWatchServer;

  const stacks: Record<string, Record<string, unknown>> = {
    "acme/prod": { role: "prod", backupPrefix: "production" },
    "acme/dr": {
      role: "dr",
      failoverMode: "standby",
      failoverMasterSecretArn: `arn:aws:secretsmanager:${DR_REGION}:123456789012:secret:bloom-dr-dr-master-AbCdEf`,
      restoreFunctionName: "bloom-dr-dr-restore-77",
    },
  };
  const loads: [string, string][] = [];
  async function loadStackOutputs(name: string, dir: string): Promise<StackOutputs> {
    loads.push([name, dir]);
    const values = stacks[name];
    if (!values) throw new Error(`no stack named '${name}' found\n(and more lines from pulumi)`);
    return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: false }]));
  }

  async function runReadiness(stackName: string | undefined, drStackName: string | undefined) {
    let data: Record<string, unknown> | undefined;
    const io: CommandIO = {
      json: true,
      interactive: false,
      progress: () => undefined,
      info: () => undefined,
      result: (d) => void (data = d),
    };
    const code = await readiness(
      { values: {}, positionals: [], io, signal: new AbortController().signal },
      { contactsFile: path.join(home, "contacts.json"), stackName, drStackName, pulumiDir: work },
      {
        loadStackOutputs,
        aws: awsReadinessClients({
          endpoints: { cloudWatch: cloudWatch.endpoint },
          credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
        }),
        now: () => NOW,
      },
    );
    const items = (data!.items as { id: string; status: string; reason: string }[]).filter((i) =>
      i.id.startsWith("stack."),
    );
    return { code, data: data!, items };
  }

  beforeAll(async () => {
    cloudWatch = await startCloudWatchServer();
    for (const [at, ok] of [
      ["2026-03-09T06:03:00Z", false],
      ["2026-03-10T06:04:00Z", true],
    ] as const)
      for (const metricName of ["RestoreSucceeded", "RestoreFailed"])
        cloudWatch.put(DR_REGION, {
          namespace: "BloomDR",
          metricName,
          dimensions: { Prefix: "production" },
          timestamp: new Date(at),
          value: +((metricName === "RestoreSucceeded") === ok),
        });
  });

  afterAll(async () => {
    await cloudWatch?.close();
  });

  test("both stacks: each read from --pulumi-dir, the metric PASSes, exit 0", async () => {
    loads.length = 0;
    const before = cloudWatch.requests.length;
    const run = await runReadiness("acme/prod", "acme/dr");
    expect(loads).toEqual([
      ["acme/prod", work],
      ["acme/dr", work],
    ]);
    expect(run.code).toBe(0);
    expect(run.data).toMatchObject({ ok: true, command: "readiness", checkedAt: NOW.toISOString() });
    expect(run.items.at(-1)).toEqual({
      id: "stack.restoreTestMetric",
      title: "scheduled restore test succeeded within 26 h (dr stack's metric)",
      status: "PASS",
      reason: `BloomDR Prefix=production in ${DR_REGION}: last success 2026-03-10T06:04Z (1 h 56 min ago); last failure 2026-03-09T06:03Z (25 h 57 min ago), before it`,
    });
    expect(cloudWatch.requests.slice(before).map((r) => r.region)).toEqual([DR_REGION]);
  });

  test("a dr stack that cannot be read: the metric FAILs with the loader's first line, exit 1", async () => {
    const run = await runReadiness("acme/prod", "acme/gone");
    expect(run.code).toBe(1);
    expect(run.items.at(-1)).toMatchObject({
      status: "FAIL",
      reason: "cannot read the outputs of dr stack acme/gone: no stack named 'acme/gone' found",
    });
  });

  test("--dr-stack without --stack: NOT CHECKED, the prefix is the prod stack's", async () => {
    const run = await runReadiness(undefined, "acme/dr");
    expect(run.code).toBe(0);
    expect(run.items.at(-1)).toMatchObject({
      status: "NOT CHECKED",
      reason: "the metric's Prefix dimension is the prod stack's backupPrefix: give --stack",
    });
  });
});

test.each([
  [["readiness", "--reports", "/nonexistent/reports"], "--reports /nonexistent/reports: no such directory"],
  [["readiness", "--contacts", "/nonexistent/contacts.json"], "--contacts /nonexistent/contacts.json: no such file"],
  [["readiness", "--pulumi-dir", "/tmp"], "--pulumi-dir applies to --stack and --dr-stack only"],
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
