/** docs/policies.md documents every rule with its real level, description, remediation and config. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { allRules } from "../../policies/rules";
import { isStackRule } from "../../policies/lib/rule";

const docs = readFileSync(path.join(__dirname, "../../docs/policies.md"), "utf8");

describe("docs/policies.md", () => {
  test.each(allRules.map((r) => [r.name, r] as const))("documents %s", (name, rule) => {
    const tableRow = docs.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
    expect(tableRow).toContain(`| ${rule.enforcementLevel} | ${isStackRule(rule) ? "stack" : "resource"} |`);
    const section = docs.slice(docs.indexOf(`### \`${name}\``));
    const body = section.slice(0, section.indexOf("\n### ", 5) === -1 ? undefined : section.indexOf("\n### ", 5));
    expect(body).toContain(`**Level:** ${rule.enforcementLevel}`);
    expect(body).toContain(rule.description);
    expect(body).toContain(rule.remediationSteps);
    for (const [key, schema] of Object.entries(rule.configSchema?.properties ?? {})) {
      expect(body).toContain(`\`${key}\` (default ${JSON.stringify(schema.default)})`);
    }
  });
});
