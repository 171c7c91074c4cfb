/** "Escalation matrix actualizada": contacts.json holds a real contact for every role. */
import { readFileSync } from "node:fs";
import { KNOWN_ROLES, parseContacts } from "../incident/contacts";
import { item, ReadinessItem } from "./types";

const TITLE = "escalation contacts complete (contacts.json), no playbook placeholders";

export function checkContacts(file: string): ReadinessItem {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return item(
      "contacts",
      TITLE,
      "FAIL",
      code === "ENOENT"
        ? `no ${file}: incidents would show the playbook's placeholders (+52-XXX-XXX-XXXX); write one contact per role (docs/operations.md, Contacts)`
        : `cannot read ${file} (${code ?? (err as Error).message})`,
    );
  }
  let contacts: Readonly<Record<string, string>>;
  try {
    contacts = parseContacts(text, file);
  } catch (err) {
    return item("contacts", TITLE, "FAIL", (err as Error).message);
  }
  const missing = KNOWN_ROLES.filter((role) => !contacts[role]);
  if (missing.length > 0)
    return item(
      "contacts",
      TITLE,
      "FAIL",
      `${file} has no contact for ${missing.join(", ")}: every role of the escalation matrix and the playbook's contact list needs one`,
    );
  return item("contacts", TITLE, "PASS", `${file}: a contact for each of the ${KNOWN_ROLES.length} roles`);
}
