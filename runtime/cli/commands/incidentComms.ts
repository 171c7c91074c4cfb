/**
 * What `incident start|note|resolve` do after the timeline is written: page the severity's SNS
 * topic, rewrite the status page, fill the playbook's messages, and (SEV-1) the maintenance-mode
 * toggle. Options are checked before anything is written; engine modules load only when used.
 */
import type { Contacts } from "../../lib/incident/contacts";
import type { Bilingual, IncidentEventKind } from "../../lib/incident/messages";
import type { Incident, IncidentStore } from "../../lib/incident/timeline";
import { CommandContext, OptionSpec, stringOption, UsageError } from "../command";

/* eslint-disable @typescript-eslint/no-require-imports */
const lib = {
  messages: () => require("../../lib/incident/messages") as typeof import("../../lib/incident/messages"),
  settings: () =>
    require("../../lib/incident/incidentSettings") as typeof import("../../lib/incident/incidentSettings"),
  status: () => require("../../lib/incident/statusPage") as typeof import("../../lib/incident/statusPage"),
  maintenance: () => require("../../lib/incident/maintenance") as typeof import("../../lib/incident/maintenance"),
  notify: () => require("../../lib/incident/notify") as typeof import("../../lib/incident/notify"),
  contacts: () => require("../../lib/incident/contacts") as typeof import("../../lib/incident/contacts"),
  store: () => require("../../lib/store/openStore") as typeof import("../../lib/store/openStore"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const NOTIFY_OPTIONS: Record<string, OptionSpec> = {
  notify: {
    type: "boolean",
    description: "publish to the severity's SNS topic (default: yes for SEV-1 and SEV-2 when a topic is known)",
  },
  "no-notify": { type: "boolean", description: "do not publish, whatever the severity" },
  "topic-arn": {
    type: "string",
    value: "ARN",
    description: "the SNS topic to publish to (default: topics.sevN in contacts.json, the prod stack's sevNTopicArn)",
  },
  "status-store": {
    type: "string",
    value: "STORE",
    description:
      "rewrite the status page there: status.json, index.html, status.txt (default: statusStore in contacts.json)",
  },
  public: { type: "string", value: "TEXT", description: "what customers read on the status page (no internals)" },
};
export const ETA_OPTION: OptionSpec = {
  type: "string",
  value: "TIME",
  description: "expected recovery, ISO-8601 UTC (2026-03-10T14:00:00Z): status page, messages, maintenance page",
};
export const STACK_OPTION: OptionSpec = {
  type: "string",
  value: "NAME",
  description: "the prod stack the maintenance toggle names",
  default: "prod",
};

export interface CommsRequest {
  /** true: --notify; false: --no-notify; undefined: the severity decides. */
  notify?: boolean;
  topicArn?: string;
  statusStore?: string;
  public?: string;
  eta?: string;
}

/** Reads and checks the options (exit 2 on a bad one), before anything is recorded. */
export function commsRequest(ctx: CommandContext): CommsRequest {
  const on = ctx.values.notify === true;
  const off = ctx.values["no-notify"] === true || ctx.values.notify === false;
  if (on && off) throw new UsageError("--notify and --no-notify contradict each other: give one");
  const topicArn = stringOption(ctx, "topic-arn");
  if (topicArn !== undefined) {
    const problem = lib.settings().topicArnProblem(topicArn, "--topic-arn");
    if (problem) throw new UsageError(problem);
  }
  const statusStore = stringOption(ctx, "status-store");
  if (statusStore !== undefined) {
    try {
      lib.store().parseStoreSpec(statusStore);
    } catch (err) {
      throw new UsageError(`--status-store: ${(err as Error).message}`);
    }
  }
  const eta = stringOption(ctx, "eta");
  if (
    eta !== undefined &&
    (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z$/.test(eta) || Number.isNaN(Date.parse(eta)))
  )
    throw new UsageError(`--eta must be an ISO-8601 UTC time like 2026-03-10T14:00:00Z (got "${eta}")`);
  const publicText = stringOption(ctx, "public");
  if (publicText !== undefined && !publicText.trim())
    throw new UsageError("--public is empty: say what customers should read");
  return {
    ...(on ? { notify: true } : off ? { notify: false } : {}),
    ...(topicArn ? { topicArn } : {}),
    ...(statusStore ? { statusStore } : {}),
    ...(publicText ? { public: publicText.trim() } : {}),
    ...(eta ? { eta: new Date(eta).toISOString() } : {}),
  };
}

export interface CommsOutcome {
  incident: Incident;
  notified: { topicArn: string; messageId: string } | null;
  status: { store: string; keys: string[]; state: string } | null;
  messages: { customers: Bilingual | null; team: string };
  maintenance?: { on?: string[]; off?: string[] };
  /** Why a notification was not sent when one was expected; the caller fails with it. */
  failures: string[];
}

/** The commands a person runs next: diagnose, and for SEV-1 the maintenance page on or off. */
function nextSteps(incident: Incident, event: IncidentEventKind, stack: string): CommsOutcome["maintenance"] {
  if (incident.severity !== 1) return undefined;
  const m = lib.maintenance();
  if (incident.resolvedAt) return { off: m.maintenanceOffCommands(stack) };
  if (event !== "start") return undefined;
  const { CUSTOMER_SENTENCES } = lib.messages();
  const message = incident.publicMessage ?? `${CUSTOMER_SENTENCES[1].es} / ${CUSTOMER_SENTENCES[1].en}`;
  return { on: m.maintenanceOnCommands({ stack, message, eta: incident.eta }) };
}

export async function communicate(
  store: IncidentStore,
  recorded: Incident,
  event: IncidentEventKind,
  request: CommsRequest,
  contacts: Contacts,
  stack: string,
): Promise<CommsOutcome> {
  const settings = lib.settings().loadIncidentSettings(lib.contacts().contactsFile(store.dir));
  const { customerMessage, notificationSubject, teamMessage } = lib.messages();
  const now = new Date();
  let incident = recorded;
  const maintenance = nextSteps(incident, event, stack);
  const next = [
    ...(incident.resolvedAt ? [] : ['bloom-dr diagnose --db "$DATABASE_URL"']),
    ...(maintenance?.on ? [`maintenance page: ${maintenance.on.join(" && ")}`] : []),
    ...(maintenance?.off ? [`maintenance page off: ${maintenance.off.join(" && ")}`] : []),
  ];
  const team = teamMessage(incident, { event, contacts, now, next });
  const failures: string[] = [];

  let status: CommsOutcome["status"] = null;
  const statusSpec = request.statusStore ?? settings.statusStore;
  if (statusSpec) {
    try {
      const target = lib.store().openStore(statusSpec);
      const doc = lib.status().statusDocument(store.list(), now);
      const keys = await lib.status().publishStatus(target, doc);
      status = { store: target.describe(), keys, state: doc.state };
      incident = store.recordNotification(incident.id, "status", target.describe());
    } catch (err) {
      failures.push(`the status page was not written: ${(err as Error).message.split("\n")[0]}`);
    }
  }

  let notified: CommsOutcome["notified"] = null;
  const topicArn = request.topicArn ?? settings.topics[incident.severity];
  const label = `SEV-${incident.severity}`;
  const wanted = request.notify ?? (incident.severity <= 2 && topicArn !== undefined);
  if (wanted && !topicArn) {
    failures.push(
      `--notify has no SNS topic for ${label}: pass --topic-arn or add "topics": {"sev${incident.severity}": "<the prod stack's sev${incident.severity}TopicArn>"} to contacts.json`,
    );
  } else if (wanted && topicArn) {
    try {
      const { messageId } = await lib
        .notify()
        .snsPublisher()
        .publish(topicArn, notificationSubject(incident, event), team);
      notified = { topicArn, messageId };
      incident = store.recordNotification(incident.id, "sns", topicArn, `message ${messageId}`);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  return {
    incident,
    notified,
    status,
    messages: { customers: customerMessage(incident) ?? null, team },
    ...(maintenance ? { maintenance } : {}),
    failures,
  };
}

/** Human lines for what was sent, and the maintenance toggle. */
export function commsLines(outcome: CommsOutcome, showMessages: boolean): string[] {
  const lines: string[] = [];
  if (outcome.notified) lines.push(`notified ${outcome.notified.topicArn} (message ${outcome.notified.messageId})`);
  if (outcome.status)
    lines.push(`status page (${outcome.status.state}): ${outcome.status.store} (${outcome.status.keys.join(", ")})`);
  if (outcome.maintenance?.on)
    lines.push("maintenance page (playbook MITIGATE), run:", ...outcome.maintenance.on.map((l) => `  ${l}`));
  if (outcome.maintenance?.off)
    lines.push("maintenance page off once the app answers, run:", ...outcome.maintenance.off.map((l) => `  ${l}`));
  if (showMessages) {
    const c = outcome.messages.customers;
    lines.push("", "--- customers (status page, e-mail) ---", c ? `${c.es}\n${c.en}` : "(SEV-4: no customer message)");
    lines.push("", "--- team (on-call, Slack) ---", outcome.messages.team);
  }
  return lines;
}

/** The failure after the timeline was written: the incident is recorded all the same. */
export function failIfUnsent(outcome: CommsOutcome, recordedWhat: string): void {
  if (outcome.failures.length > 0) throw new UsageError(`${recordedWhat}, but ${outcome.failures.join("; ")}`, 1);
}

export const MESSAGES_OPTION: OptionSpec = {
  type: "boolean",
  description: "also print the customers' and the team's messages (the playbook's communications)",
};

/**
 * Pages, the status page and the messages after the timeline is written. A failure there is
 * exit 1 naming what was recorded; for a SEV-1 the maintenance toggle is still printed first.
 */
export async function announce(
  ctx: CommandContext,
  store: IncidentStore,
  incident: Incident,
  event: IncidentEventKind,
  request: CommsRequest,
  contacts: Contacts,
  recordedWhat: string,
): Promise<CommsOutcome> {
  let outcome: CommsOutcome;
  try {
    outcome = await communicate(store, incident, event, request, contacts, stringOption(ctx, "stack") ?? "prod");
  } catch (err) {
    throw new UsageError(`${recordedWhat}, but ${(err as Error).message}`, 1);
  }
  if (outcome.failures.length > 0 && outcome.maintenance) {
    for (const line of commsLines({ ...outcome, notified: null, status: null }, false)) ctx.io.info(line);
  }
  failIfUnsent(outcome, recordedWhat);
  return outcome;
}

/** The JSON fields of what was announced. */
export function announced(outcome: CommsOutcome): Record<string, unknown> {
  return {
    notified: outcome.notified,
    status: outcome.status,
    messages: outcome.messages,
    ...(outcome.maintenance ? { maintenance: outcome.maintenance } : {}),
  };
}
