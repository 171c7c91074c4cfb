/**
 * Who to call: the team's contacts.json, next to the incidents directory. The playbook's
 * "Contact List" holds placeholders (a +52-XXX number), so without the file those are shown
 * marked as such: on-call must never dial a fake number thinking it is real.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { SEVERITIES } from "./severity";

/** One JSON object, role → how to reach them (phone, e-mail, pager), e.g. {"DevOps Lead": "ana@bloom.mx"}. */
export type Contacts = Readonly<Record<string, string>>;

/** The playbook's "Contact List", verbatim. */
export const PLAYBOOK_CONTACTS: Contacts = {
  "On-call DevOps": "+52-XXX-XXX-XXXX (PagerDuty)",
  "DevOps Lead": "devops-lead@bloom.com",
  CTO: "cto@bloom.com",
  "Neon Support": "support@neon.tech (Pro plan)",
};

export const PLACEHOLDER_MARK = "(placeholder from the playbook: set contacts.json)";

/** Every role the escalation matrix names ("CTO + CEO" is two), plus the playbook's contact list. */
export const KNOWN_ROLES: readonly string[] = [
  ...new Set([
    ...Object.values(SEVERITIES).flatMap((s) => [s.firstResponder, ...s.escalateTo.split(" + ")]),
    ...Object.keys(PLAYBOOK_CONTACTS),
  ]),
];

/** contacts.json sits beside the incidents directory: $BLOOM_DR_HOME/contacts.json by default. */
export function contactsFile(incidentsDir: string): string {
  return path.join(path.dirname(incidentsDir), "contacts.json");
}

const EXAMPLE = `{"On-call DevOps": "+52 55 1234 5678 (PagerDuty)", "DevOps Lead": "ana@bloom.mx"}`;

/**
 * Keys of contacts.json that are not roles: where incidents are announced (incidentSettings.ts
 * reads them). The escalation matrix's roles never take these names.
 */
export const SETTINGS_KEYS: readonly string[] = ["topics", "statusStore"];

/** contacts.json as one JSON object; a one-line error otherwise. */
export function parseContactsObject(text: string, source: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${source} is not valid JSON (${(err as Error).message.split("\n")[0]}): write one object of role → contact, e.g. ${EXAMPLE}`,
    );
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw new Error(`${source} must hold one JSON object of role → contact, e.g. ${EXAMPLE}`);
  return data as Record<string, unknown>;
}

/** Validates contacts.json: an object of known roles to non-empty, non-placeholder strings. */
export function parseContacts(text: string, source: string): Contacts {
  const data = parseContactsObject(text, source);
  const contacts: Record<string, string> = {};
  for (const [role, contact] of Object.entries(data)) {
    if (SETTINGS_KEYS.includes(role)) continue;
    if (!KNOWN_ROLES.includes(role))
      throw new Error(`${source}: unknown role "${role}": use ${KNOWN_ROLES.map((r) => `"${r}"`).join(", ")}`);
    if (typeof contact !== "string" || !contact.trim())
      throw new Error(
        `${source}: "${role}" must be a non-empty string (a phone number, an e-mail or a pager), got ${JSON.stringify(contact)}`,
      );
    if (/XXX/.test(contact))
      throw new Error(`${source}: "${role}" is still the playbook's placeholder "${contact}": write the real contact`);
    contacts[role] = contact.trim();
  }
  return contacts;
}

/** The configured contacts, and the playbook's (marked as placeholders) for roles they leave out. */
export function withPlaybookFallback(configured: Contacts): Contacts {
  const fallback = Object.fromEntries(
    Object.entries(PLAYBOOK_CONTACTS).map(([role, c]) => [role, `${c} ${PLACEHOLDER_MARK}`]),
  );
  return { ...fallback, ...configured };
}

/** Reads contacts.json; a missing file means the playbook's placeholders, a broken one is an error. */
export function loadContacts(file: string): Contacts {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return withPlaybookFallback({});
    throw new Error(
      `cannot read ${file} (${code ?? (err as Error).message}): make it a readable file of role → contact, or remove it`,
    );
  }
  return withPlaybookFallback(parseContacts(text, file));
}

/** How to reach a role; "CTO + CEO" gets each one's contact that is known. */
export function contactFor(role: string, contacts: Contacts): string | undefined {
  if (contacts[role]) return contacts[role];
  const parts = role.split(" + ").flatMap((r) => (contacts[r] ? [contacts[r]] : []));
  return parts.length > 0 ? parts.join("; ") : undefined;
}
