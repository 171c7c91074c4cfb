import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  contactFor,
  contactsFile,
  KNOWN_ROLES,
  loadContacts,
  parseContacts,
  PLACEHOLDER_MARK,
  withPlaybookFallback,
} from "../../../runtime/lib/incident/contacts";
import { incidentDir } from "../../../runtime/lib/incident/timeline";

test("the roles are the escalation matrix's and the playbook's contact list", () => {
  expect([...KNOWN_ROLES].sort()).toEqual([
    "Any Developer",
    "CEO",
    "CTO",
    "DevOps Lead",
    "Neon Support",
    "On-call DevOps",
    "Team Lead",
    "Tech Lead",
  ]);
});

test.each<[string | undefined, NodeJS.ProcessEnv, string]>([
  [undefined, { BLOOM_DR_HOME: "/srv/ops" }, "/srv/ops/contacts.json"],
  [undefined, {}, "/work/.bloom-dr/contacts.json"],
  ["/srv/ops/incidents", {}, "/srv/ops/contacts.json"],
])("contacts.json sits beside the incidents directory (--dir %s, env %j)", (dir, env, file) => {
  expect(contactsFile(incidentDir(dir, env, "/work"))).toBe(file);
});

describe("parseContacts", () => {
  test("a valid file: trimmed values", () => {
    expect(parseContacts('{"On-call DevOps": " +52 55 1234 5678 ", "CEO": "ceo@bloom.mx"}', "c.json")).toEqual({
      "On-call DevOps": "+52 55 1234 5678",
      CEO: "ceo@bloom.mx",
    });
  });

  test.each([
    [
      "not JSON",
      "{oops",
      /^c\.json is not valid JSON \(.*\): write one object of role → contact, e\.g\. \{"On-call DevOps"/,
    ],
    ["an array", '["ana@bloom.mx"]', /^c\.json must hold one JSON object of role → contact/],
    ["null", "null", /^c\.json must hold one JSON object of role → contact/],
    ["an unknown role", '{"Devops Lead": "ana@bloom.mx"}', /^c\.json: unknown role "Devops Lead": use .*"DevOps Lead"/],
    [
      "a number",
      '{"DevOps Lead": 5512345678}',
      /^c\.json: "DevOps Lead" must be a non-empty string .*, got 5512345678$/,
    ],
    ["an empty string", '{"CTO": "  "}', /^c\.json: "CTO" must be a non-empty string/],
    [
      "the placeholder",
      '{"On-call DevOps": "+52-XXX-XXX-XXXX (PagerDuty)"}',
      /^c\.json: "On-call DevOps" is still the playbook's placeholder "\+52-XXX-XXX-XXXX \(PagerDuty\)": write the real contact$/,
    ],
  ])("%s is refused in one line", (_name, text, message) => {
    let error: Error | undefined;
    try {
      parseContacts(text, "c.json");
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain("\n");
  });
});

describe("contactFor", () => {
  const fallback = withPlaybookFallback({});
  const configured = withPlaybookFallback({
    "On-call DevOps": "+52 55 1234 5678",
    CTO: "cto@bloom.mx",
    CEO: "ceo@bloom.mx",
  });
  test.each<[string, Record<string, string>, string | undefined]>([
    ["On-call DevOps", fallback, `+52-XXX-XXX-XXXX (PagerDuty) ${PLACEHOLDER_MARK}`],
    ["DevOps Lead", fallback, `devops-lead@bloom.com ${PLACEHOLDER_MARK}`],
    ["CTO + CEO", fallback, `cto@bloom.com ${PLACEHOLDER_MARK}`],
    ["Team Lead", fallback, undefined],
    ["On-call DevOps", configured, "+52 55 1234 5678"],
    ["DevOps Lead", configured, `devops-lead@bloom.com ${PLACEHOLDER_MARK}`],
    ["CTO + CEO", configured, "cto@bloom.mx; ceo@bloom.mx"],
  ])("%s", (role, contacts, expected) => {
    expect(contactFor(role, contacts)).toBe(expected);
  });
});

describe("loadContacts", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-contacts-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("no file: the playbook's contacts, every one marked as a placeholder", () => {
    const contacts = loadContacts(path.join(dir, "contacts.json"));
    expect(Object.keys(contacts).sort()).toEqual(["CTO", "DevOps Lead", "Neon Support", "On-call DevOps"]);
    for (const c of Object.values(contacts)) expect(c.endsWith(` ${PLACEHOLDER_MARK}`)).toBe(true);
  });

  test("a file: its contacts win, the rest stay marked", () => {
    const file = path.join(dir, "contacts.json");
    writeFileSync(file, JSON.stringify({ "DevOps Lead": "ana@bloom.mx" }));
    expect(loadContacts(file)).toMatchObject({
      "DevOps Lead": "ana@bloom.mx",
      CTO: `cto@bloom.com ${PLACEHOLDER_MARK}`,
    });
  });

  test("a broken file names itself", () => {
    const file = path.join(dir, "contacts.json");
    writeFileSync(file, "[]");
    expect(() => loadContacts(file)).toThrow(`${file} must hold one JSON object of role → contact`);
  });

  test("a directory in its place is an error, not the placeholders", () => {
    expect(() => loadContacts(dir)).toThrow(`cannot read ${dir} (EISDIR)`);
  });
});
