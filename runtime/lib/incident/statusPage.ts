/**
 * The status page the playbook asks for ("Notificar en status page", `status.txt`): a small static
 * document computed from every incident in the store, written to a store (a directory, or an S3
 * prefix a bucket website or CDN serves) as status.json, index.html and status.txt. It shows the
 * most severe open customer-facing incident (SEV-1..SEV-3), else "All systems operational".
 */
import { BackupStore } from "../store/types";
import { Bilingual, customerSentence, utc } from "./messages";
import { SEVERITIES } from "./severity";
import { Incident } from "./timeline";

export interface StatusDocument {
  state: "investigating" | "operational";
  /** "SEV-1" … "SEV-3"; null when operational. */
  severity: string | null;
  title: string;
  message: Bilingual;
  /** When the story last changed (ISO-8601 UTC). */
  lastUpdate: string;
  /** Expected recovery (ISO-8601 UTC), when given. */
  eta: string | null;
  /** The incident shown (the last resolved one when operational), or null. */
  incident: string | null;
  /** When this document was written. */
  generatedAt: string;
}

export const STATUS_KEYS = { json: "status.json", html: "index.html", text: "status.txt" } as const;
const OPERATIONAL: Bilingual = { es: "Todos los sistemas operativos.", en: "All systems operational." };

export function statusDocument(incidents: readonly Incident[], now: Date): StatusDocument {
  const visible = incidents.filter((i) => i.severity <= 3);
  const open = visible
    .filter((i) => !i.resolvedAt)
    .sort((a, b) => a.severity - b.severity || b.startedAt.localeCompare(a.startedAt));
  const generatedAt = now.toISOString();
  if (open.length > 0) {
    const shown = open[0];
    return {
      state: "investigating",
      severity: SEVERITIES[shown.severity].label,
      title: shown.title,
      message: customerSentence(shown)!,
      lastUpdate: shown.lastUpdate,
      eta: shown.eta ?? null,
      incident: shown.id,
      generatedAt,
    };
  }
  const last = [...visible].sort((a, b) => (b.resolvedAt ?? "").localeCompare(a.resolvedAt ?? ""))[0];
  return {
    state: "operational",
    severity: null,
    title: "All systems operational",
    message: last
      ? { es: `${OPERATIONAL.es} ${customerSentence(last)!.es}`, en: `${OPERATIONAL.en} ${customerSentence(last)!.en}` }
      : OPERATIONAL,
    lastUpdate: last?.lastUpdate ?? generatedAt,
    eta: null,
    incident: last?.id ?? null,
    generatedAt,
  };
}

const html = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A plain page: no script, no external asset, refreshed by the browser every minute. */
export function renderStatusHtml(doc: StatusDocument): string {
  const heading = doc.state === "operational" ? doc.title : `${doc.severity}: ${doc.title}`;
  return [
    "<!doctype html>",
    '<html lang="es">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta http-equiv="refresh" content="60">',
    `<title>Bloom status: ${html(doc.state)}</title>`,
    "</head>",
    "<body>",
    `<h1>${html(heading)}</h1>`,
    `<p>Estado / Status: <strong>${html(doc.state)}</strong></p>`,
    `<p lang="es">${html(doc.message.es)}</p>`,
    `<p lang="en">${html(doc.message.en)}</p>`,
    doc.eta ? `<p>Hora estimada / ETA: ${html(utc(doc.eta))}</p>` : "",
    `<p><small>Última actualización / Last update: ${html(utc(doc.lastUpdate))}</small></p>`,
    "</body>",
    "</html>",
    "",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** The playbook's status.txt: one line. */
export function renderStatusText(doc: StatusDocument): string {
  const what = doc.state === "operational" ? "operational" : `${doc.severity} ${doc.state}`;
  return `${what}: ${doc.message.en} (updated ${utc(doc.lastUpdate)}${doc.eta ? `; ETA ${utc(doc.eta)}` : ""})\n`;
}

/** Writes the three files; each store write is atomic, the JSON last so a poller never sees it ahead of the page. */
export async function publishStatus(store: BackupStore, doc: StatusDocument): Promise<string[]> {
  await store.putText(STATUS_KEYS.html, renderStatusHtml(doc));
  await store.putText(STATUS_KEYS.text, renderStatusText(doc));
  await store.putText(STATUS_KEYS.json, `${JSON.stringify(doc, null, 2)}\n`);
  return [STATUS_KEYS.html, STATUS_KEYS.text, STATUS_KEYS.json];
}
