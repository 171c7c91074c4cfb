/** `bloom-dr incident start|note|resolve|status`: the playbook's incident timeline. What they do lives in ./incidentActions.ts, loaded when one runs. */
import { CliCommand } from "../command";
import { ETA_OPTION, MESSAGES_OPTION, NOTIFY_OPTIONS, STACK_OPTION } from "./incidentComms";

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
    return (await import("./incidentActions")).startIncident(ctx);
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
    return (await import("./incidentActions")).noteIncident(ctx);
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
    return (await import("./incidentActions")).resolveIncident(ctx);
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
    return (await import("./incidentActions")).showIncidents(ctx);
  },
};

export const INCIDENT_COMMANDS: CliCommand[] = [
  incidentStartCommand,
  incidentNoteCommand,
  incidentResolveCommand,
  incidentStatusCommand,
];
