import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allRules } from "../../policies/rules";
import { isStackRule } from "../../policies/lib/rule";
import { evaluateRules, hasMandatoryViolation } from "../../policies/lib/evaluate";
import { compliantStack, only } from "./support/compliantStack";
import { withChange } from "./support/harness";

const RULES_DIR = join(__dirname, "../../policies/rules");

describe("the policy pack", () => {
  test("has at least 15 rules with unique kebab-case names", () => {
    const names = allRules.map((r) => r.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test.each(allRules.map((r) => [r.name, r] as const))(
    "%s is deliberate: description, remediation steps, enforcement level",
    (_name, rule) => {
      expect(rule.description.length).toBeGreaterThan(30);
      expect(rule.remediationSteps.length).toBeGreaterThan(30);
      expect(["mandatory", "advisory"]).toContain(rule.enforcementLevel);
      expect(isStackRule(rule) || typeof (rule as { validateResource?: unknown }).validateResource === "function").toBe(
        true,
      );
    },
  );

  test("one rule per file, and every file's rule is in the pack", () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith(".ts") && f !== "index.ts");
    expect(files).toHaveLength(allRules.length);
    for (const file of files) {
      const exported = Object.values(require(join(RULES_DIR, file))).filter(
        (v) => typeof v === "object" && v !== null && "name" in v && "enforcementLevel" in v,
      );
      expect(exported).toHaveLength(1);
      expect(allRules).toContain(exported[0]);
    }
  });

  test("the pack entry point builds the PolicyPack named bloom-dr-recovery-guarantees from allRules", () => {
    const source = readFileSync(join(__dirname, "../../policies/index.ts"), "utf8");
    expect(source).toContain('new PolicyPack("bloom-dr-recovery-guarantees"');
    expect(source).toContain("policies: [...allRules]");
  });

  test("the whole compliant stack has no violation under every rule", async () => {
    expect(await evaluateRules(allRules, compliantStack())).toEqual([]);
  });
});

describe("evaluateRules", () => {
  const insecure = () =>
    compliantStack().map((r) => {
      if (r.type === "aws:rds/instance:Instance")
        return { ...r, props: withChange(r.props, "publiclyAccessible", true) };
      if (r.type === "aws:scheduler/schedule:Schedule")
        return { ...r, props: withChange(r.props, "target.retryPolicy.maximumRetryAttempts", 0) };
      return r;
    });

  test("names the rule, its level and the resource", async () => {
    const resources = insecure();
    const violations = await evaluateRules(allRules, resources);
    expect(violations).toEqual([
      {
        rule: "rds-not-publicly-accessible",
        enforcementLevel: "mandatory",
        message: "publiclyAccessible is true; it must be false",
        urn: only(resources, "aws:rds/instance:Instance").urn,
        resourceName: "failover-instance",
        resourceType: "aws:rds/instance:Instance",
      },
      expect.objectContaining({
        rule: "schedule-has-retry-policy",
        enforcementLevel: "advisory",
        resourceName: "dump-schedule",
      }),
    ]);
    expect(hasMandatoryViolation(violations)).toBe(true);
  });

  test("config can change enforcement levels and rule settings, as a policy pack config file does", async () => {
    const violations = await evaluateRules(allRules, insecure(), {
      config: {
        "rds-not-publicly-accessible": { enforcementLevel: "advisory" },
        "schedule-has-retry-policy": "disabled",
        "neon-history-retention-minimum": { minHistoryRetentionHours: 200 },
      },
    });
    expect(violations.map((v) => [v.rule, v.enforcementLevel])).toEqual([
      ["rds-not-publicly-accessible", "advisory"],
      ["neon-history-retention-minimum", "mandatory"],
    ]);
    expect(hasMandatoryViolation(violations.slice(0, 1))).toBe(false);
  });

  test("stack violations without a URN apply to the stack", async () => {
    const resources = compliantStack().filter((r) => !r.type.startsWith("aws:sns/"));
    expect(await evaluateRules(allRules, resources)).toEqual([
      expect.objectContaining({
        rule: "sev1-topic-has-subscription",
        enforcementLevel: "mandatory",
        message: expect.stringContaining("no SEV-1 SNS topic"),
      }),
    ]);
  });

  test("a rule that throws is reported with its name, not swallowed", async () => {
    const broken = {
      ...allRules[0],
      name: "broken",
      validateResource: () => {
        throw new Error("boom");
      },
    };
    await expect(evaluateRules([broken as any], compliantStack().slice(0, 1))).rejects.toThrow(
      /policy broken failed on urn:.*: boom/,
    );
  });
});
