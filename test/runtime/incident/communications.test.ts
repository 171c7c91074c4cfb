/** The playbook's communications as pure functions: messages, the status document, the maintenance toggle, contacts.json settings. */
import { parseContacts } from "../../../runtime/lib/incident/contacts";
import { parseIncidentSettings } from "../../../runtime/lib/incident/incidentSettings";
import { maintenanceOffCommands, maintenanceOnCommands, shellQuote } from "../../../runtime/lib/incident/maintenance";
import { customerMessage, notificationSubject, teamMessage } from "../../../runtime/lib/incident/messages";
import { renderStatusHtml, renderStatusText, statusDocument } from "../../../runtime/lib/incident/statusPage";
import { Incident, parseTimeline } from "../../../runtime/lib/incident/timeline";

const NOW = new Date("2026-03-10T12:20:00Z");
const CONTACTS = { "On-call DevOps": "+52 55 1234 5678 (PagerDuty)", CTO: "cto@bloom.mx", CEO: "ceo@bloom.mx" };

/** An incident rebuilt from timeline lines, the way the store reads it. */
function incident(...events: Record<string, unknown>[]): Incident {
  return parseTimeline(events.map((e) => JSON.stringify(e)).join("\n"), "test.jsonl");
}
const start = (severity: number, extra: Record<string, unknown> = {}) => ({
  at: "2026-03-10T12:00:00.000Z",
  type: "start",
  id: `20260310-1200-sev${severity}`,
  severity,
  title: "Database unreachable",
  ...extra,
});

describe("customer messages", () => {
  test.each([
    [
      1,
      "Bloom is currently unavailable. We are working to restore service. Last update: 2026-03-10 12:00 UTC.",
      "Bloom no está disponible en este momento. Estamos trabajando para restablecer el servicio. Última actualización: 2026-03-10 12:00 UTC.",
    ],
    [
      2,
      "Some Bloom features are not working correctly. We are working on it. Last update: 2026-03-10 12:00 UTC.",
      "Algunas funciones de Bloom no están funcionando correctamente. Estamos trabajando en ello. Última actualización: 2026-03-10 12:00 UTC.",
    ],
    [
      3,
      "A secondary Bloom feature is affected; everything else works normally. Last update: 2026-03-10 12:00 UTC.",
      "Una función secundaria de Bloom está afectada; el resto del servicio funciona con normalidad. Última actualización: 2026-03-10 12:00 UTC.",
    ],
  ])("SEV-%i while open", (severity, en, es) => {
    expect(customerMessage(incident(start(severity)))).toEqual({ es, en });
  });

  test("SEV-4 has no customer message", () => {
    expect(customerMessage(incident(start(4)))).toBeUndefined();
  });

  test("the latest public text and ETA; after the resolve, the playbook's 'Service restored'", () => {
    const open = incident(
      start(1, { public: "Neon, our database provider, is having an outage.", eta: "2026-03-10T14:00:00.000Z" }),
      { at: "2026-03-10T12:10:00.000Z", type: "note", text: "failover started", eta: "2026-03-10T13:00:00.000Z" },
    );
    expect(customerMessage(open)!.en).toBe(
      "Bloom is currently unavailable. We are working to restore service. Neon, our database provider, is having an outage. Estimated recovery: 2026-03-10 13:00 UTC. Last update: 2026-03-10 12:10 UTC.",
    );
    const resolved = incident(start(1), { at: "2026-03-10T12:40:00.000Z", type: "resolve", text: "standby promoted" });
    expect(customerMessage(resolved)).toEqual({
      es: "El servicio está restablecido. Gracias por su paciencia. Última actualización: 2026-03-10 12:40 UTC.",
      en: "Service restored. Thank you for your patience. Last update: 2026-03-10 12:40 UTC.",
    });
  });
});

describe("team messages", () => {
  test("start: severity, who responds, when to escalate, what customers read, what to run", () => {
    expect(
      teamMessage(incident(start(1)), { event: "start", contacts: CONTACTS, now: NOW, next: ["bloom-dr diagnose"] }),
    ).toBe(
      [
        "[SEV-1 OPEN] Database unreachable (incident 20260310-1200-sev1)",
        "Started 2026-03-10 12:00 UTC (20m ago) · SEV-1: Sistema completamente caído · respond < 15 min",
        "First responder: On-call DevOps (+52 55 1234 5678 (PagerDuty)); escalate to CTO + CEO (cto@bloom.mx; ceo@bloom.mx) at 2026-03-10 12:15 UTC if not resolved",
        "ETA: unknown",
        "Customers read: Bloom is currently unavailable. We are working to restore service. Last update: 2026-03-10 12:00 UTC.",
        "Next: bloom-dr diagnose",
        "Timeline: bloom-dr incident status --incident 20260310-1200-sev1",
      ].join("\n"),
    );
  });

  test("note and resolve", () => {
    const noted = incident(start(2), { at: "2026-03-10T12:05:00.000Z", type: "note", text: "branch created" });
    expect(teamMessage(noted, { event: "note", contacts: CONTACTS, now: NOW }).split("\n").slice(0, 2)).toEqual([
      "[SEV-2 UPDATE] Database unreachable (incident 20260310-1200-sev2)",
      "Update: branch created",
    ]);
    const resolved = incident(start(2), { at: "2026-03-10T13:30:00.000Z", type: "resolve", text: "rows back" });
    expect(teamMessage(resolved, { event: "resolve", contacts: CONTACTS, now: NOW })).toBe(
      [
        "[SEV-2 RESOLVED] Database unreachable (incident 20260310-1200-sev2)",
        "Resolved 2026-03-10 13:30 UTC after 1h 30m: rows back",
        "Post-mortem within 48h: bloom-dr postmortem --incident 20260310-1200-sev2 --out postmortem-20260310-1200-sev2.md",
        "Timeline: bloom-dr incident status --incident 20260310-1200-sev2",
      ].join("\n"),
    );
  });

  test("the SNS subject is printable ASCII, one line, at most 100 characters", () => {
    const accented = incident(start(1, { title: "Reservación de la clínica caída" }));
    expect(notificationSubject(accented, "start")).toBe("[SEV-1 OPEN] Reservacion de la clinica caida");
    const long = incident(start(3, { title: "x".repeat(200) }));
    expect(notificationSubject(long, "note")).toHaveLength(100);
  });
});

describe("the status document", () => {
  const open1 = incident(start(1, { eta: "2026-03-10T14:00:00.000Z" }));
  const open4 = incident(start(4, { id: "20260310-1201-minor", at: "2026-03-10T12:01:00.000Z", title: "typo" }));
  const resolved2 = incident(start(2, { id: "20260309-0900-old", at: "2026-03-09T09:00:00.000Z" }), {
    at: "2026-03-09T10:00:00.000Z",
    type: "resolve",
  });

  test("the most severe open customer-facing incident", () => {
    expect(statusDocument([open4, resolved2, open1], NOW)).toEqual({
      state: "investigating",
      severity: "SEV-1",
      title: "Database unreachable",
      message: {
        es: "Bloom no está disponible en este momento. Estamos trabajando para restablecer el servicio.",
        en: "Bloom is currently unavailable. We are working to restore service.",
      },
      lastUpdate: "2026-03-10T12:00:00.000Z",
      eta: "2026-03-10T14:00:00.000Z",
      incident: "20260310-1200-sev1",
      generatedAt: "2026-03-10T12:20:00.000Z",
    });
  });

  test("nothing customer-facing open: all systems operational, after the last resolved one", () => {
    expect(statusDocument([open4, resolved2], NOW)).toMatchObject({
      state: "operational",
      severity: null,
      title: "All systems operational",
      message: { en: "All systems operational. Service restored. Thank you for your patience." },
      lastUpdate: "2026-03-09T10:00:00.000Z",
      incident: "20260309-0900-old",
    });
    expect(statusDocument([], NOW)).toMatchObject({
      state: "operational",
      lastUpdate: NOW.toISOString(),
      incident: null,
    });
  });

  test("the page escapes what it shows; status.txt is one line", () => {
    const doc = statusDocument([incident(start(2, { title: '<script>alert("x")</script>' }))], NOW);
    const page = renderStatusHtml(doc);
    expect(page).toContain("<h1>SEV-2: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1>");
    expect(page).not.toContain("<script>");
    expect(page).toContain('<meta http-equiv="refresh" content="60">');
    expect(renderStatusText(statusDocument([open1], NOW))).toBe(
      "SEV-1 investigating: Bloom is currently unavailable. We are working to restore service. (updated 2026-03-10 12:00 UTC; ETA 2026-03-10 14:00 UTC)\n",
    );
  });
});

describe("the maintenance toggle", () => {
  test("on: the exact pulumi commands, every value one shell word", () => {
    expect(maintenanceOnCommands({ stack: "prod", message: "We'll be back", eta: "2026-03-10T14:00:00.000Z" })).toEqual(
      [
        "pulumi config set --path 'bloom-dr:maintenance.enabled' true -s 'prod'",
        "pulumi config set --path 'bloom-dr:maintenance.message' 'We'\\''ll be back' -s 'prod'",
        "pulumi config set --path 'bloom-dr:maintenance.eta' '2026-03-10T14:00:00.000Z' -s 'prod'",
        "pulumi up -s 'prod'",
      ],
    );
    expect(maintenanceOffCommands("acme/bloom-dr/prod")).toEqual([
      "pulumi config set --path 'bloom-dr:maintenance.enabled' false -s 'acme/bloom-dr/prod'",
      "pulumi config rm --path 'bloom-dr:maintenance.eta' -s 'acme/bloom-dr/prod'",
      "pulumi up -s 'acme/bloom-dr/prod'",
    ]);
    expect(shellQuote("$(rm -rf /)")).toBe("'$(rm -rf /)'");
  });
});

describe("contacts.json settings", () => {
  const text = JSON.stringify({
    "On-call DevOps": "+52 55 1234 5678",
    topics: {
      sev1: "arn:aws:sns:us-east-2:123456789012:alerts-sev1",
      "SEV-2": "arn:aws:sns:us-east-2:123456789012:alerts-sev2",
    },
    statusStore: "s3://bloom-status/current",
  });

  test("topics by severity and the status store; the roles are read as before", () => {
    expect(parseIncidentSettings(text, "c.json")).toEqual({
      topics: {
        1: "arn:aws:sns:us-east-2:123456789012:alerts-sev1",
        2: "arn:aws:sns:us-east-2:123456789012:alerts-sev2",
      },
      statusStore: "s3://bloom-status/current",
    });
    expect(parseContacts(text, "c.json")).toEqual({ "On-call DevOps": "+52 55 1234 5678" });
  });

  test.each([
    [{ topics: ["arn"] }, 'c.json: "topics" must be an object of severity → SNS topic ARN'],
    [{ topics: { sev5: "arn:aws:sns:us-east-2:123456789012:x" } }, 'c.json: "topics" has "sev5", not a severity'],
    [
      { topics: { sev1: "arn:aws:sqs:us-east-2:123456789012:x" } },
      'c.json: topics.sev1 must be an SNS topic ARN like arn:aws:sns:us-east-2:123456789012:alerts-sev1 (got "arn:aws:sqs:us-east-2:123456789012:x")',
    ],
    [{ topics: { sev1: 7 } }, "c.json: topics.sev1 must be an SNS topic ARN string"],
    [{ statusStore: "" }, 'c.json: "statusStore" must be a store'],
  ])("%j", (data, message) => {
    expect(() => parseIncidentSettings(JSON.stringify(data), "c.json")).toThrow(message);
  });
});
