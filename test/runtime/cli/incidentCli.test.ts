/** `bloom-dr incident …` and `bloom-dr postmortem` end to end, with timelines in a temporary directory. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { postmortemCommand } from "../../../runtime/cli/commands/postmortem";
import { reportStamp } from "../../../runtime/lib/drills/report";
import { lines, startCli } from "./runCli";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-incident-cli-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const PLACEHOLDER = "(placeholder from the playbook: set contacts.json)";
const run = (...args: string[]) => startCli(args, { ...process.env, BLOOM_DR_HOME: home }).done;

test("start, note, resolve, status and the post-mortem", async () => {
  const started = await run(
    "incident",
    "start",
    "--sev",
    "2",
    "--title",
    "Reservations of clinic 12 deleted",
    "--json",
  );
  expect(started.code).toBe(0);
  const incident = JSON.parse(started.stdout).incident;
  expect(incident).toMatchObject({
    severity: 2,
    severityLabel: "SEV-2",
    open: true,
    escalation: {
      firstResponder: "On-call DevOps",
      escalateTo: "DevOps Lead",
      contact: `devops-lead@bloom.com ${PLACEHOLDER}`,
      after: "1 hour",
      overdue: false,
    },
  });
  expect(lines(started.stderr)).toEqual([]);
  expect(readFileSync(path.join(home, "incidents", `${incident.id}.jsonl`), "utf8").split("\n")).toHaveLength(2);

  const noted = await run("incident", "note", "Neon", "branch", "created", "at", "09:55");
  expect(noted.code).toBe(0);
  expect(noted.stdout).toMatch(
    new RegExp(
      `^noted in ${incident.id} \\(SEV-2\\); escalate to DevOps Lead \\(devops-lead@bloom.com \\(placeholder from the playbook: set contacts.json\\)\\) at \\d\\d:\\d\\d UTC if not resolved \\(after 1 hour\\)\\n$`,
    ),
  );

  const status = await run("incident", "status");
  expect(lines(status.stdout)[2]).toMatch(
    new RegExp(`^${incident.id}\\s+SEV-2\\s+OPEN\\s+Reservations of clinic 12 deleted\\s+escalate to DevOps Lead`),
  );

  const resolved = await run("incident", "resolve", "pitr recover --apply: 50 reservations back");
  expect(resolved.code).toBe(0);
  expect(lines(resolved.stdout)[1]).toBe(
    `post-mortem (within 48h): bloom-dr postmortem --incident ${incident.id} --out postmortem-${incident.id}.md`,
  );

  const out = path.join(home, "pm", "postmortem.md");
  const written = await run("postmortem", "--out", out);
  expect(written.code).toBe(0);
  const md = readFileSync(out, "utf8");
  expect(md).toContain("# Incident Post-Mortem: Reservations of clinic 12 deleted\n");
  expect(md).toContain("**Severity:** SEV-2 (Funcionalidad crítica degradada; response time < 1 hora)");
  expect(md).toMatch(/- \d\d:\d\d:\d\d - Neon branch created at 09:55\n/); // seconds: it all fits in 10 minutes
  expect(md).toMatch(/- \d\d:\d\d:\d\d - Service restored: pitr recover --apply: 50 reservations back\n/);
  expect(md).toContain("- Resolved within the 1 hour escalation threshold");
});

test("contacts.json in BLOOM_DR_HOME: status and the post-mortem give the team's contacts, not the playbook's placeholders", async () => {
  writeFileSync(
    path.join(home, "contacts.json"),
    JSON.stringify({ "On-call DevOps": "+52 55 1234 5678 (PagerDuty)", "DevOps Lead": "ana@bloom.mx" }),
  );
  const started = await run("incident", "start", "--sev", "2", "--title", "Reservations missing");
  expect(started.code).toBe(0);
  expect(lines(started.stdout)[1]).toMatch(
    /^first responder: On-call DevOps \(\+52 55 1234 5678 \(PagerDuty\)\); escalate to DevOps Lead \(ana@bloom\.mx\) at \d\d:\d\d UTC/,
  );
  const status = await run("incident", "status", "--json");
  expect(JSON.parse(status.stdout).incidents[0].escalation.contact).toBe("ana@bloom.mx");
  const pm = await run("postmortem");
  expect(pm.stdout).toContain("- First responder: On-call DevOps (+52 55 1234 5678 (PagerDuty))");
  expect(pm.stdout).not.toContain("XXX");
});

test("no contacts.json: the playbook's contacts are shown marked as placeholders", async () => {
  expect((await run("incident", "start", "--sev", "1", "--title", "Primary down")).code).toBe(0);
  const status = await run("incident", "status");
  expect(status.stdout).toContain(`escalate to CTO + CEO (cto@bloom.com ${PLACEHOLDER})`);
  const pm = await run("postmortem");
  expect(pm.stdout).toContain(`- First responder: On-call DevOps (+52-XXX-XXX-XXXX (PagerDuty) ${PLACEHOLDER})`);
});

test("a broken contacts.json: one line naming it; incident start records the incident all the same", async () => {
  const file = path.join(home, "contacts.json");
  writeFileSync(file, JSON.stringify({ "Devops Lead": "ana@bloom.mx" }));
  const started = await run("incident", "start", "--sev", "2", "--title", "Reservations missing");
  expect(started.code).toBe(1);
  expect(lines(started.stderr)).toHaveLength(1);
  expect(lines(started.stderr)[0]).toMatch(
    new RegExp(
      `^bloom-dr incident start: incident \\S+-reservations-missing started, but ${file}: unknown role "Devops Lead": use `,
    ),
  );
  const status = await run("incident", "status");
  expect(status.code).toBe(1);
  expect(lines(status.stderr)).toEqual([
    expect.stringMatching(new RegExp(`^bloom-dr incident status: ${file}: unknown role "Devops Lead"`)),
  ]);
  writeFileSync(file, JSON.stringify({ "DevOps Lead": "ana@bloom.mx" }));
  expect(JSON.parse((await run("incident", "status", "--json")).stdout).incidents).toHaveLength(1);
});

test("a drill report becomes a post-mortem on stdout", async () => {
  const report = path.join(home, "drill.json");
  writeFileSync(
    report,
    JSON.stringify({
      startedAt: "2026-11-27T10:00:00.000Z",
      finishedAt: "2026-11-27T10:00:30.000Z",
      platform: "local",
      scale: 0.01,
      drills: [
        {
          name: "restore",
          passed: true,
          rtoMs: 9000,
          rpoMs: 1000,
          expectedRtoMs: 3_600_000,
          steps: [{ name: "take a backup", startedAt: "2026-11-27T10:00:01.000Z", durationMs: 2000 }],
          details: {},
        },
      ],
    }),
  );
  const pm = await run("postmortem", "--from-drill", report);
  expect(pm.code).toBe(0);
  expect(pm.stdout).toContain("# Incident Post-Mortem: Recovery drill on local: restore (1/1 passed)");
  expect(pm.stdout).toContain("| restore | PASSED | 9.0s | < 1h | 1.0s |");
});

test.each<[string, string[], number, RegExp]>([
  [
    "a bad severity",
    ["incident", "start", "--sev", "7", "--title", "x"],
    2,
    /^bloom-dr incident start: severity "7" is not one of 1, 2, 3, 4/,
  ],
  [
    "severity 5",
    ["incident", "start", "--sev", "5", "--title", "x"],
    2,
    /^bloom-dr incident start: severity "5" is not one of 1, 2, 3, 4/,
  ],
  [
    "a blank title",
    ["incident", "start", "--sev", "2", "--title", "  "],
    2,
    /^bloom-dr incident start: incident title is empty/,
  ],
  [
    "a bad severity in a note",
    ["incident", "note", "x", "--sev", "9"],
    2,
    /^bloom-dr incident note: severity "9" is not one of 1, 2, 3, 4/,
  ],
  [
    "a note with nothing open",
    ["incident", "note", "hello"],
    1,
    /^bloom-dr incident note: no open incident in .*: start one with "bloom-dr incident start --sev N --title T"$/,
  ],
  ["a note without text", ["incident", "note"], 2, /^bloom-dr incident note: missing TEXT/],
  ["an unknown incident", ["postmortem", "--incident", "nope"], 1, /^bloom-dr postmortem: no incident "nope" in /],
  [
    "a missing drill report",
    ["postmortem", "--from-drill", "/nonexistent/drill.json"],
    1,
    /^bloom-dr postmortem: cannot read \/nonexistent\/drill.json: no such file$/,
  ],
  [
    "both sources",
    ["postmortem", "--from-drill", "a.json", "--incident", "x"],
    2,
    /^bloom-dr postmortem: give either --incident or --from-drill, not both$/,
  ],
])("%s: the exit code and one line", async (_name, args, code, message) => {
  const r = await run(...args);
  expect(r.code).toBe(code);
  expect(lines(r.stderr)).toHaveLength(1);
  expect(lines(r.stderr)[0]).toMatch(message);
});

test("the postmortem help's --from-drill example is named like the reports drill writes", () => {
  const example = /--from-drill (\S+)/.exec(postmortemCommand.details ?? "")?.[1];
  const stamp = /^reports\/drill-(.+)\.json$/.exec(example ?? "")?.[1] ?? "";
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/.exec(stamp);
  expect(m).not.toBeNull();
  const iso = `${m![1]}T${m![2]}:${m![3]}:${m![4]}.${m![5]}Z`;
  expect(new Date(iso).toISOString()).toBe(iso);
  expect(reportStamp(iso)).toBe(stamp);
});
