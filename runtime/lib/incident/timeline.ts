import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseSeverity, Severity } from "./severity";

/** What an update may say to the outside: the sentence customers read, and when service should be back. */
export interface PublicUpdate {
  /** The status page's message (customer words, no internals). */
  public?: string;
  /** Expected recovery, ISO-8601 UTC. */
  eta?: string;
}

/** One line of an incident's timeline file (JSON lines, append-only). */
export type IncidentEvent =
  | ({ at: string; type: "start"; id: string; severity: Severity; title: string } & PublicUpdate)
  | ({ at: string; type: "note"; text: string } & PublicUpdate)
  | { at: string; type: "severity"; severity: Severity }
  | ({ at: string; type: "resolve"; text?: string } & PublicUpdate)
  /** Who was told: an SNS topic published to, or the status page written. */
  | { at: string; type: "notify"; channel: "sns" | "status"; target: string; detail?: string };

export interface Incident {
  id: string;
  title: string;
  /** The latest severity (it can change during an incident). */
  severity: Severity;
  startedAt: string;
  resolvedAt?: string;
  /** The latest public message and ETA given, if any. */
  publicMessage?: string;
  eta?: string;
  /** When the incident's story last changed (start, note, severity, resolve; not notifications). */
  lastUpdate: string;
  events: IncidentEvent[];
}

const EVENT_TYPES = ["start", "note", "severity", "resolve", "notify"];

/** The optional public fields of an update, only those given. */
function publicFields(update: PublicUpdate = {}): PublicUpdate {
  return {
    ...(update.public?.trim() ? { public: update.public.trim() } : {}),
    ...(update.eta ? { eta: update.eta } : {}),
  };
}

/** Where timelines live: --dir, else $BLOOM_DR_HOME/incidents, else .bloom-dr/incidents. */
export function incidentDir(
  dir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  if (dir) return path.resolve(cwd, dir);
  if (env.BLOOM_DR_HOME) return path.resolve(cwd, env.BLOOM_DR_HOME, "incidents");
  return path.resolve(cwd, ".bloom-dr", "incidents");
}

/** "20261127-1849-db-unreachable": sortable by start time, safe as a file name. */
export function incidentIdFor(at: Date, title: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 13);
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40)
    .replace(/-$/, "");
  return slug ? `${stamp}-${slug}` : stamp;
}

/** Rebuilds an incident from its JSON lines; a malformed line is an error naming file and line. */
export function parseTimeline(text: string, source: string): Incident {
  const events: IncidentEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let e: IncidentEvent;
    try {
      e = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1} is not valid JSON: the timeline file was edited by hand?`);
    }
    if (typeof e?.at !== "string" || Number.isNaN(Date.parse(e.at)) || !EVENT_TYPES.includes(e.type)) {
      throw new Error(
        `${source}:${i + 1} is not a timeline event (needs "at" as an ISO time and "type" ${EVENT_TYPES.join("|")})`,
      );
    }
    if (events.length === 0 && e.type !== "start")
      throw new Error(`${source}:${i + 1}: a timeline must begin with its start event`);
    events.push(e);
  });
  const start = events[0];
  if (!start || start.type !== "start") throw new Error(`${source} is empty: not an incident timeline`);
  let severity = start.severity;
  let resolvedAt: string | undefined;
  let publicMessage: string | undefined;
  let eta: string | undefined;
  let lastUpdate = start.at;
  for (const e of events) {
    if (e.type === "severity") severity = e.severity;
    if (e.type === "resolve") resolvedAt = e.at;
    if (e.type !== "notify") lastUpdate = e.at;
    if ((e.type === "start" || e.type === "note" || e.type === "resolve") && e.public) publicMessage = e.public;
    if ((e.type === "start" || e.type === "note") && e.eta) eta = e.eta;
  }
  return {
    id: start.id,
    title: start.title,
    severity,
    startedAt: start.at,
    resolvedAt,
    ...(publicMessage ? { publicMessage } : {}),
    ...(eta ? { eta } : {}),
    lastUpdate,
    events,
  };
}

/** Incident timelines in a directory, one `<id>.jsonl` file each. */
export class IncidentStore {
  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(severity: Severity | string, title: string, update?: PublicUpdate): Incident {
    const level = typeof severity === "number" ? severity : parseSeverity(severity);
    if (!title.trim())
      throw new Error(
        'incident title is empty: say what is happening, e.g. --title "reservations missing for clinic 12"',
      );
    mkdirSync(this.dir, { recursive: true });
    const at = this.now();
    let id = incidentIdFor(at, title);
    for (let n = 2; existsSync(this.file(id)); n++) id = `${incidentIdFor(at, title)}-${n}`;
    const event: IncidentEvent = {
      at: at.toISOString(),
      type: "start",
      id,
      severity: level,
      title: title.trim(),
      ...publicFields(update),
    };
    writeFileSync(this.file(id), `${JSON.stringify(event)}\n`, { flag: "wx" });
    return this.get(id);
  }

  note(text: string, id?: string, update?: PublicUpdate): Incident {
    if (!text.trim()) throw new Error("note text is empty: say what happened or what was decided");
    return this.append(this.open(id), {
      at: this.now().toISOString(),
      type: "note",
      text: text.trim(),
      ...publicFields(update),
    });
  }

  changeSeverity(severity: Severity | string, id?: string): Incident {
    const level = typeof severity === "number" ? severity : parseSeverity(severity);
    return this.append(this.open(id), { at: this.now().toISOString(), type: "severity", severity: level });
  }

  resolve(text?: string, id?: string, update?: Pick<PublicUpdate, "public">): Incident {
    return this.append(this.open(id), {
      at: this.now().toISOString(),
      type: "resolve",
      ...(text?.trim() ? { text: text.trim() } : {}),
      ...publicFields({ public: update?.public }),
    });
  }

  /** Records who was told about the incident (resolved ones too: the last message follows the resolve). */
  recordNotification(id: string, channel: "sns" | "status", target: string, detail?: string): Incident {
    return this.append(this.get(id), {
      at: this.now().toISOString(),
      type: "notify",
      channel,
      target,
      ...(detail ? { detail } : {}),
    });
  }

  /** Every incident, newest first. */
  list(): Incident[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".jsonl"))
      .sort()
      .reverse()
      .map((f) => parseTimeline(readFileSync(path.join(this.dir, f), "utf8"), path.join(this.dir, f)));
  }

  get(id: string): Incident {
    if (!/^[A-Za-z0-9._-]+$/.test(id) || !existsSync(this.file(id))) {
      throw new Error(`no incident "${id}" in ${this.dir}: run "bloom-dr incident status" to list them`);
    }
    return parseTimeline(readFileSync(this.file(id), "utf8"), this.file(id));
  }

  /** The incident a command applies to: the one named, else the only open one. */
  open(id?: string): Incident {
    if (id) {
      const incident = this.get(id);
      if (incident.resolvedAt)
        throw new Error(`incident ${id} was resolved at ${incident.resolvedAt}: start a new one`);
      return incident;
    }
    const open = this.list().filter((i) => !i.resolvedAt);
    if (open.length === 0)
      throw new Error(`no open incident in ${this.dir}: start one with "bloom-dr incident start --sev N --title T"`);
    if (open.length > 1)
      throw new Error(
        `${open.length} incidents are open (${open.map((i) => i.id).join(", ")}): name one with --incident ID`,
      );
    return open[0];
  }

  private append(incident: Incident, event: IncidentEvent): Incident {
    appendFileSync(this.file(incident.id), `${JSON.stringify(event)}\n`);
    return this.get(incident.id);
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.jsonl`);
  }
}
