import { contactFor, Contacts, contactsFile, loadContacts } from "../../lib/incident/contacts";
import { escalationState, parseSeverity, SEVERITIES, Severity } from "../../lib/incident/severity";
import { formatSpan } from "../../lib/incident/postmortem";
import { Incident, incidentDir, IncidentStore } from "../../lib/incident/timeline";
import { CliCommand, CommandContext, requiredOption, stringOption, UsageError } from "../command";
import { formatTable } from "../io";
import {
  announce,
  announced,
  commsLines,
  commsRequest,
  ETA_OPTION,
  MESSAGES_OPTION,
  NOTIFY_OPTIONS,
  STACK_OPTION,
} from "./incidentComms";

const DIR_OPTION = {
  type: "string",
  value: "DIR",
  description: "where timelines live (default: $BLOOM_DR_HOME/incidents, else .bloom-dr/incidents)",
} as const;
const INCIDENT_OPTION = {
  type: "string",
  value: "ID",
  description: "which incident (default: the only open one)",
} as const;

function storeFor(ctx: CommandContext): IncidentStore {
  return new IncidentStore(incidentDir(stringOption(ctx, "dir")));
}

/**
 * contacts.json beside the store's directory; a broken one is the user's to fix (exit 1). Read
 * after the timeline is written: a typo in the contacts must not keep an incident unrecorded.
 */
function contactsFor(store: IncidentStore, recorded?: string): Contacts {
  try {
    return loadContacts(contactsFile(store.dir));
  } catch (err) {
    throw new UsageError(recorded ? `${recorded}, but ${(err as Error).message}` : (err as Error).message, 1);
  }
}

/** Runs a store operation; its errors are the user's to fix (wrong id, nothing open): exit 1 with the reason. */
function userError<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw new UsageError((err as Error).message, 1);
  }
}

/** A bad --sev is the user's typo: exit 2 with the allowed values, before anything is written. */
function severityOption(raw: string): Severity {
  try {
    return parseSeverity(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Elapsed time, escalation due time and who to call, for humans and for --json. */
export function incidentSummary(incident: Incident, now: Date, contacts: Contacts): Record<string, unknown> {
  const end = incident.resolvedAt ? new Date(incident.resolvedAt) : now;
  const elapsedMs = end.getTime() - Date.parse(incident.startedAt);
  const sev = SEVERITIES[incident.severity];
  const escalation = escalationState(incident.severity, elapsedMs);
  return {
    ...incident,
    severityLabel: sev.label,
    elapsedMs,
    open: !incident.resolvedAt,
    escalation: {
      firstResponder: sev.firstResponder,
      escalateTo: sev.escalateTo,
      contact: contactFor(sev.escalateTo, contacts) ?? null,
      after: sev.escalateAfter,
      dueAt: new Date(Date.parse(incident.startedAt) + sev.escalateAfterMs).toISOString(),
      overdue: escalation.overdue,
    },
  };
}

function escalationLine(incident: Incident, now: Date, contacts: Contacts): string {
  const s = incidentSummary(incident, now, contacts) as {
    elapsedMs: number;
    escalation: { escalateTo: string; contact: string | null; after: string; dueAt: string; overdue: boolean };
  };
  const who = `${s.escalation.escalateTo}${s.escalation.contact ? ` (${s.escalation.contact})` : ""}`;
  if (incident.resolvedAt) return `resolved after ${formatSpan(s.elapsedMs)}`;
  return s.escalation.overdue
    ? `ESCALATE NOW to ${who}: open ${formatSpan(s.elapsedMs)}, past the ${s.escalation.after} threshold (${s.escalation.dueAt.slice(11, 16)} UTC)`
    : `escalate to ${who} at ${s.escalation.dueAt.slice(11, 16)} UTC if not resolved (after ${s.escalation.after})`;
}

export const incidentStartCommand: CliCommand = {
  name: "incident start",
  summary: "open an incident: severity, title, and the timeline starts (JSON lines)",
  options: {
    sev: {
      type: "string",
      value: "N",
      required: true,
      description: "1 (system down) … 4 (minor), as in the playbook's Severity Levels",
    },
    title: { type: "string", value: "TEXT", required: true, description: "what is happening" },
    dir: DIR_OPTION,
    ...NOTIFY_OPTIONS,
    eta: ETA_OPTION,
    stack: STACK_OPTION,
    messages: MESSAGES_OPTION,
  },
  details: `
Examples:
  bloom-dr incident start --sev 2 --title "Reservations of clinic 12 deleted"
  bloom-dr incident note "Neon branch created at 09:55 (5 min before the deletion)"
  bloom-dr incident resolve "pitr recover --apply: 50 reservations back"
  bloom-dr postmortem --out postmortems/2026-11-27.md

Who to call comes from contacts.json beside the incidents directory ($BLOOM_DR_HOME/contacts.json,
e.g. {"On-call DevOps": "+52 55 1234 5678 (PagerDuty)"}); without it the playbook's placeholders are
shown, marked "(placeholder from the playbook: set contacts.json)". See docs/operations.md.

Announcing (start, note and resolve alike): a SEV-1 or SEV-2 is published to its severity's SNS
topic when one is known (--topic-arn, or "topics": {"sev1": "<sev1TopicArn>", …} in contacts.json),
so the escalation matrix pages; --notify for any severity, --no-notify never. With --status-store
(or "statusStore" in contacts.json) the status page is rewritten: status.json, index.html and
status.txt, showing the most severe open SEV-1..3 or "All systems operational". --messages prints
the playbook's messages for customers and the team. A SEV-1 prints the exact commands that turn
the maintenance page on (bloom-dr:maintenance in the prod stack, then pulumi up).

Exit status: 0 started; 1 the timeline could not be written, contacts.json is broken, or the
announcement failed (the incident is recorded all the same); 2 usage error (a missing option, a
severity other than 1-4, an empty title, a bad --eta, --topic-arn or --status-store).`,
  async run(ctx) {
    const store = storeFor(ctx);
    const severity = severityOption(requiredOption(ctx, "sev", "1-4"));
    const title = requiredOption(ctx, "title", "what is happening");
    if (!title.trim())
      throw new UsageError(
        'incident title is empty: say what is happening, e.g. --title "reservations missing for clinic 12"',
      );
    const request = commsRequest(ctx);
    const recorded = userError(() => store.start(severity, title, { public: request.public, eta: request.eta }));
    const what = `incident ${recorded.id} started`;
    const contacts = contactsFor(store, what);
    const outcome = await announce(ctx, store, recorded, "start", request, contacts, what);
    const incident = outcome.incident;
    const firstContact = contactFor(SEVERITIES[incident.severity].firstResponder, contacts);
    const now = new Date();
    const sev = SEVERITIES[incident.severity];
    ctx.io.result(
      {
        ok: true,
        command: "incident start",
        dir: store.dir,
        incident: incidentSummary(incident, now, contacts),
        ...announced(outcome),
      },
      [
        `incident ${incident.id} started (${sev.label}: ${sev.description}; respond ${sev.responseTime})`,
        `first responder: ${sev.firstResponder}${firstContact ? ` (${firstContact})` : ""}; ${escalationLine(incident, now, contacts)}`,
        `timeline: ${store.dir}/${incident.id}.jsonl`,
        ...commsLines(outcome, ctx.values.messages === true),
      ].join("\n"),
    );
    return 0;
  },
};

export const incidentNoteCommand: CliCommand = {
  name: "incident note",
  summary: "add a timestamped note to the open incident's timeline (optionally changing its severity)",
  positionals: [{ name: "TEXT", description: "what happened or was decided (several words are joined)", rest: true }],
  options: {
    incident: INCIDENT_OPTION,
    sev: { type: "string", value: "N", description: "also change the severity to N" },
    dir: DIR_OPTION,
    ...NOTIFY_OPTIONS,
    eta: ETA_OPTION,
    messages: MESSAGES_OPTION,
  },
  details: `Example:\n  bloom-dr incident note "Maintenance page deployed" --sev 1 --eta 2026-03-10T14:00:00Z --public "Neon, our database provider, is having an outage"\n\nAnnounced like incident start (see its --help): SNS for SEV-1/SEV-2 when a topic is known, the status page when configured.\n\nExit status: 0 noted; 1 no open incident (or several: use --incident), or the announcement failed (the note is recorded all the same); 2 usage error (also a --sev other than 1-4; nothing is noted then).`,
  async run(ctx) {
    const store = storeFor(ctx);
    const id = stringOption(ctx, "incident");
    const rawSev = stringOption(ctx, "sev");
    const sev = rawSev === undefined ? undefined : severityOption(rawSev);
    const request = commsRequest(ctx);
    let recorded = userError(() =>
      store.note(ctx.positionals.join(" "), id, { public: request.public, eta: request.eta }),
    );
    if (sev !== undefined) recorded = userError(() => store.changeSeverity(sev, recorded.id));
    const what = `noted in ${recorded.id}`;
    const contacts = contactsFor(store, what);
    const outcome = await announce(ctx, store, recorded, "note", request, contacts, what);
    const incident = outcome.incident;
    const now = new Date();
    ctx.io.result(
      {
        ok: true,
        command: "incident note",
        dir: store.dir,
        incident: incidentSummary(incident, now, contacts),
        ...announced(outcome),
      },
      [
        `noted in ${incident.id} (${SEVERITIES[incident.severity].label}); ${escalationLine(incident, now, contacts)}`,
        ...commsLines(outcome, ctx.values.messages === true),
      ].join("\n"),
    );
    return 0;
  },
};

export const incidentResolveCommand: CliCommand = {
  name: "incident resolve",
  summary: "close the open incident (service restored); the timeline is ready for the post-mortem",
  positionals: [
    { name: "TEXT", description: "how it was resolved (several words are joined)", optional: true, rest: true },
  ],
  options: {
    incident: INCIDENT_OPTION,
    dir: DIR_OPTION,
    ...NOTIFY_OPTIONS,
    stack: STACK_OPTION,
    messages: MESSAGES_OPTION,
  },
  details: `A SEV-1 or SEV-2 is announced on its SNS topic when one is known (--no-notify to skip); the
status page, when configured, goes back to "All systems operational" unless another incident is
open; for a SEV-1 the maintenance-page-off commands are printed.

Exit status: 0 resolved; 1 no open incident (or several: use --incident), or the announcement
failed (the resolution is recorded all the same); 2 usage error.`,
  async run(ctx) {
    const store = storeFor(ctx);
    const request = commsRequest(ctx);
    const recorded = userError(() =>
      store.resolve(ctx.positionals.join(" "), stringOption(ctx, "incident"), { public: request.public }),
    );
    const what = `incident ${recorded.id} resolved`;
    const contacts = contactsFor(store, what);
    const outcome = await announce(ctx, store, recorded, "resolve", request, contacts, what);
    const incident = outcome.incident;
    const summary = incidentSummary(incident, new Date(), contacts);
    ctx.io.result(
      { ok: true, command: "incident resolve", dir: store.dir, incident: summary, ...announced(outcome) },
      [
        `incident ${incident.id} resolved after ${formatSpan(summary.elapsedMs as number)}`,
        `post-mortem (within 48h): bloom-dr postmortem --incident ${incident.id} --out postmortem-${incident.id}.md`,
        ...commsLines(outcome, ctx.values.messages === true),
      ].join("\n"),
    );
    return 0;
  },
};

export const incidentStatusCommand: CliCommand = {
  name: "incident status",
  summary: "list incidents: open ones with elapsed time and who to escalate to, then recent resolved ones",
  options: {
    incident: { type: "string", value: "ID", description: "show one incident's whole timeline" },
    dir: DIR_OPTION,
  },
  details: `Who to call comes from contacts.json beside the incidents directory ($BLOOM_DR_HOME/contacts.json); without it the playbook's placeholders are shown, marked. See docs/operations.md.\n\nExit status: 0 listed (also when there are none); 1 unknown --incident, unreadable timeline or broken contacts.json; 2 usage error.`,
  async run(ctx) {
    const store = storeFor(ctx);
    const contacts = contactsFor(store);
    const now = new Date();
    const id = stringOption(ctx, "incident");
    if (id) {
      const incident = userError(() => store.get(id));
      ctx.io.result(
        { ok: true, command: "incident status", dir: store.dir, incidents: [incidentSummary(incident, now, contacts)] },
        [
          `${incident.id}: ${incident.title} (${SEVERITIES[incident.severity].label}) — ${escalationLine(incident, now, contacts)}`,
          ...incident.events.map(
            (e) =>
              `  ${e.at}  ${e.type}${"text" in e && e.text ? `: ${e.text}` : ""}${"severity" in e ? ` ${SEVERITIES[e.severity].label}` : ""}`,
          ),
        ].join("\n"),
      );
      return 0;
    }
    const incidents = userError(() => store.list());
    const shown = [...incidents.filter((i) => !i.resolvedAt), ...incidents.filter((i) => i.resolvedAt).slice(0, 5)];
    const human =
      shown.length === 0
        ? `no incidents in ${store.dir}`
        : formatTable([
            ["incident", "severity", "state", "title", "escalation"],
            ...shown.map((i) => [
              i.id,
              SEVERITIES[i.severity].label,
              i.resolvedAt ? "resolved" : "OPEN",
              i.title,
              escalationLine(i, now, contacts),
            ]),
          ]);
    ctx.io.result(
      {
        ok: true,
        command: "incident status",
        dir: store.dir,
        incidents: shown.map((i) => incidentSummary(i, now, contacts)),
      },
      human,
    );
    return 0;
  },
};

export const INCIDENT_COMMANDS: CliCommand[] = [
  incidentStartCommand,
  incidentNoteCommand,
  incidentResolveCommand,
  incidentStatusCommand,
];
