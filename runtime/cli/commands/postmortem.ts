import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CliCommand, stringOption, UsageError } from "../command";

/** `bloom-dr postmortem`: the playbook's post-incident template, filled in. */
export const postmortemCommand: CliCommand = {
  name: "postmortem",
  summary: "write the playbook's post-incident template in Markdown from an incident timeline or a drill report",
  options: {
    incident: { type: "string", value: "ID", description: "incident to write up (default: the newest one)" },
    "from-drill": {
      type: "string",
      value: "FILE",
      description: "a drill report (reports/drill-<time>.json) instead of an incident",
    },
    out: { type: "string", value: "FILE", description: "write the Markdown here (default: print it)" },
    dir: {
      type: "string",
      value: "DIR",
      description: "where incident timelines live (default: $BLOOM_DR_HOME/incidents, else .bloom-dr/incidents)",
    },
  },
  details: `
Filled in: title, date, severity (with the playbook's description and response time), duration,
the timeline (UTC), the escalation matrix row (first responder, who to escalate to after how long,
and whether the threshold was passed), with contacts from contacts.json beside the incidents
directory (else the playbook's placeholders, marked). Left for the team: root cause, impact,
lessons, owners.

Examples:
  bloom-dr postmortem --out postmortems/2026-11-27-reservations.md
  bloom-dr postmortem --from-drill reports/drill-2026-11-27T19-52-34-261Z.json --out reports/drill-postmortem.md

Exit status: 0 written; 1 no such incident or unreadable report; 2 usage error.`,
  async run(ctx) {
    const drill = stringOption(ctx, "from-drill");
    const id = stringOption(ctx, "incident");
    if (drill && id) throw new UsageError("give either --incident or --from-drill, not both");
    const { parseDrillReport, postmortemFromDrill, postmortemFromIncident } =
      await import("../../lib/incident/fromSources");
    const { contactsFile, loadContacts } = await import("../../lib/incident/contacts");
    const { renderPostmortem } = await import("../../lib/incident/postmortem");
    const { incidentDir, IncidentStore } = await import("../../lib/incident/timeline");
    const now = new Date();
    let input;
    try {
      if (drill) {
        input = postmortemFromDrill(parseDrillReport(readFileSync(drill, "utf8"), drill), drill, now);
      } else {
        const store = new IncidentStore(incidentDir(stringOption(ctx, "dir")));
        const incident = id ? store.get(id) : store.list()[0];
        if (!incident)
          throw new Error(
            `no incidents in ${store.dir}: start one with "bloom-dr incident start", or use --from-drill`,
          );
        input = postmortemFromIncident(incident, now);
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UsageError(e.code === "ENOENT" ? `cannot read ${drill}: no such file` : e.message, 1);
    }
    let contacts;
    try {
      contacts = loadContacts(contactsFile(incidentDir(stringOption(ctx, "dir"))));
    } catch (err) {
      throw new UsageError((err as Error).message, 1);
    }
    const markdown = renderPostmortem({ ...input, contacts });
    const out = stringOption(ctx, "out");
    if (out) {
      mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      writeFileSync(out, markdown);
      ctx.io.result(
        { ok: true, command: "postmortem", source: input.source, out: path.resolve(out) },
        `wrote ${out} (${input.source})`,
      );
    } else {
      ctx.io.result({ ok: true, command: "postmortem", source: input.source, markdown }, markdown);
    }
    return 0;
  },
};
