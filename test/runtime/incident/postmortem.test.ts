import {
  parseDrillReport,
  postmortemFromDrill,
  postmortemFromIncident,
} from "../../../runtime/lib/incident/fromSources";
import { formatSpan, PostmortemInput, renderPostmortem } from "../../../runtime/lib/incident/postmortem";
import { Incident } from "../../../runtime/lib/incident/timeline";

const at = (iso: string) => new Date(iso);

describe("formatSpan", () => {
  test.each([
    [0, "0s"],
    [42_000, "42s"],
    [60_000, "1m"],
    [5_400_000, "1h 30m"],
    [3_600_000, "1h"],
    [90_000_000, "1d 1h"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});

const base: PostmortemInput = {
  title: "Reservations deleted",
  severity: 2,
  startedAt: at("2026-11-27T10:00:00Z"),
  endedAt: at("2026-11-27T10:42:00Z"),
  timeline: [
    { at: at("2026-11-27T10:05:00Z"), text: "Team notified" },
    { at: at("2026-11-27T10:00:00Z"), text: "Incident detected: Reservations deleted (SEV-2)" },
    { at: at("2026-11-27T10:42:00Z"), text: "Service restored" },
  ],
  generatedAt: at("2026-11-27T11:00:00Z"),
  source: "incident 20261127-1000-reservations-deleted",
};

describe("renderPostmortem", () => {
  test("follows the playbook's template with the facts filled in", () => {
    const md = renderPostmortem(base);
    expect(md.split("\n").slice(0, 16)).toEqual([
      "# Incident Post-Mortem: Reservations deleted",
      "",
      "**Date:** 2026-11-27",
      "**Severity:** SEV-2 (Funcionalidad crítica degradada; response time < 1 hora)",
      "**Duration:** 42m (10:00–10:42 UTC)",
      "**Affected Users:** X%",
      "**Source:** incident 20261127-1000-reservations-deleted",
      "",
      "## Timeline (UTC)",
      "- 10:00 - Incident detected: Reservations deleted (SEV-2)",
      "- 10:05 - Team notified",
      "- 10:42 - Service restored",
      "- 11:00 - Post-mortem completed",
      "",
      "## Escalation",
      "- First responder: On-call DevOps (+52-XXX-XXX-XXXX (PagerDuty) (placeholder from the playbook: set contacts.json))",
    ]);
    expect(md).toContain(
      "- Escalate after 1 hour to DevOps Lead (devops-lead@bloom.com (placeholder from the playbook: set contacts.json)); severity table: DevOps Lead",
    );
    expect(md).toContain("- Resolved within the 1 hour escalation threshold (18m to spare).");
    for (const heading of ["## Root Cause", "## Impact", "## What Went Well", "## What Went Wrong", "## Action Items"])
      expect(md).toContain(`\n${heading}\n`);
    expect(md).toContain("[Descripción técnica de qué falló]");
    expect(md).toContain("- Data loss: Yes/No");
    expect(md.trimEnd().endsWith("**Sign-off:** [CTO Name]")).toBe(true);
  });

  test.each<[string, Partial<PostmortemInput>, string[]]>([
    [
      "an overdue SEV-1 names who should have been called and when",
      { severity: 1 },
      [
        "**Severity:** SEV-1 (Sistema completamente caído; response time < 15 min)",
        "- This incident lasted 42m, past the 15 minutes threshold: CTO + CEO should have been engaged by 10:15 UTC.",
      ],
    ],
    [
      "an open incident runs until the document is generated",
      { endedAt: undefined },
      ["**Duration:** 1h so far (not resolved) (10:00–ongoing UTC)"],
    ],
    [
      "a SEV-4 escalates to the Tech Lead after 24 hours",
      { severity: 4 },
      ["- First responder: Any Developer", "- Escalate after 24 hours to Tech Lead; severity table: Normal ticket"],
    ],
    [
      "events on several days carry the date",
      { endedAt: at("2026-11-28T09:00:00Z"), generatedAt: at("2026-11-28T10:00:00Z") },
      [
        "- 2026-11-27 10:05 - Team notified",
        "- 2026-11-28 10:00 - Post-mortem completed",
        "**Duration:** 23h (2026-11-27 10:00–2026-11-28 09:00 UTC)",
      ],
    ],
    [
      "the team's contacts replace the playbook's placeholders",
      { contacts: { "On-call DevOps": "+52 55 1234 5678", "DevOps Lead": "ana@bloom.mx" } },
      [
        "- First responder: On-call DevOps (+52 55 1234 5678)",
        "- Escalate after 1 hour to DevOps Lead (ana@bloom.mx); severity table: DevOps Lead",
      ],
    ],
    [
      "extra sections and known facts",
      { sections: [{ heading: "Drill Results", lines: ["| a |"] }], rootCause: "Drill.", dataLoss: "No" },
      ["## Drill Results\n| a |", "## Root Cause\nDrill.", "- Data loss: No"],
    ],
  ])("%s", (_name, change, expected) => {
    const md = renderPostmortem({ ...base, ...change });
    for (const text of expected) expect(md).toContain(text);
  });
});

test("an incident's events become the timeline", () => {
  const incident: Incident = {
    id: "20261127-1000-x",
    title: "x",
    severity: 1,
    startedAt: "2026-11-27T10:00:00.000Z",
    resolvedAt: "2026-11-27T10:30:00.000Z",
    lastUpdate: "2026-11-27T10:30:00.000Z",
    events: [
      { at: "2026-11-27T10:00:00.000Z", type: "start", id: "20261127-1000-x", severity: 2, title: "x" },
      {
        at: "2026-11-27T10:01:00.000Z",
        type: "notify",
        channel: "sns",
        target: "arn:aws:sns:us-east-1:123456789012:sev2",
        detail: "message 00000000-0000-4000-8000-000000000001",
      },
      { at: "2026-11-27T10:10:00.000Z", type: "note", text: "maintenance page up" },
      { at: "2026-11-27T10:12:00.000Z", type: "severity", severity: 1 },
      { at: "2026-11-27T10:30:00.000Z", type: "resolve", text: "standby promoted" },
      { at: "2026-11-27T10:30:01.000Z", type: "notify", channel: "status", target: "s3://bloom-status/current" },
    ],
  };
  const input = postmortemFromIncident(incident, at("2026-11-27T12:00:00Z"));
  expect(input.timeline.map((e) => e.text)).toEqual([
    "Incident detected: x (SEV-2)",
    "Team notified: SNS arn:aws:sns:us-east-1:123456789012:sev2 (message 00000000-0000-4000-8000-000000000001)",
    "maintenance page up",
    "Severity changed to SEV-1",
    "Service restored: standby promoted",
    "Status page updated: s3://bloom-status/current",
  ]);
  expect(input).toMatchObject({ severity: 1, endedAt: at("2026-11-27T10:30:00Z"), source: "incident 20261127-1000-x" });
});

describe("drill reports", () => {
  const report = {
    startedAt: "2026-11-27T10:00:00.000Z",
    finishedAt: "2026-11-27T10:00:40.000Z",
    platform: "local",
    scale: 0.01,
    drills: [
      {
        name: "pitr",
        passed: true,
        rtoMs: 4200,
        rpoMs: 0,
        expectedRtoMs: 1_800_000,
        steps: [{ name: "create 50 reservations", startedAt: "2026-11-27T10:00:01.000Z", durationMs: 300 }],
        details: {},
      },
      {
        name: "failover",
        passed: false,
        expectedRtoMs: 14_400_000,
        steps: [
          {
            name: "restore into standby",
            startedAt: "2026-11-27T10:00:20.000Z",
            durationMs: 1500,
            error: "pg_restore exited with code 1",
          },
        ],
        details: { failure: "never recovered" },
      },
    ],
  };

  test("become a post-mortem with the drills' results, the worst scenario's severity and every step", () => {
    const input = postmortemFromDrill(
      parseDrillReport(JSON.stringify(report), "reports/drill-1.json"),
      "reports/drill-1.json",
      at("2026-11-27T10:05:00Z"),
    );
    expect(input.title).toBe("Recovery drill on local: pitr, failover (1/2 passed)");
    expect(input.severity).toBe(1);
    const md = renderPostmortem(input);
    expect(md).toContain("**Duration:** 40s (10:00:00–10:00:40 UTC)");
    expect(md).toContain("- 10:00:01 - pitr: create 50 reservations (300ms)");
    expect(md).toContain("- 10:00:20 - failover: restore into standby (1.5s) FAILED: pg_restore exited with code 1");
    expect(md).toContain("- 10:00:21 - failover: FAILED (never recovered)");
    expect(md).toContain("- 10:05:00 - Post-mortem completed");
    expect(md).toContain("| pitr | PASSED | 4.2s | < 30m | 0ms |");
    expect(md).toContain("| failover | FAILED | - | < 4h | - |");
    expect(md).toContain("- Data loss: Yes/No");
  });

  test.each([
    ["not json", "reports/x.json is not JSON"],
    ["{}", "reports/x.json is not a drill report: startedAt is missing or malformed"],
    [JSON.stringify({ ...report, drills: [] }), "reports/x.json is not a drill report: drills is missing or malformed"],
    [
      JSON.stringify({ ...report, drills: [{ ...report.drills[0], steps: [{ name: "x" }] }] }),
      "reports/x.json is not a drill report: drills[0].steps[0] is missing or malformed",
    ],
  ])("refuses %s", (text, message) => {
    expect(() => parseDrillReport(text, "reports/x.json")).toThrow(message);
  });
});
