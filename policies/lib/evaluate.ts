import type { EnforcementLevel } from "@pulumi/policy";
import { BloomRule, configDefaults, isStackRule } from "./rule";
import { NotApplicableError, ResourceRecord, resourceValidationArgs, stackValidationArgs } from "./validationArgs";

export interface Violation {
  rule: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource in violation; absent when the stack as a whole violates the rule. */
  urn?: string;
  resourceName?: string;
  resourceType?: string;
}

/**
 * Per-rule config as in a `--policy-pack-config` file: `{ rule: "advisory" }` or
 * `{ rule: { enforcementLevel?, ...settings } }`.
 */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | { enforcementLevel?: EnforcementLevel; [key: string]: unknown }
>;

export interface EvaluationOptions {
  config?: PolicyPackConfig;
  /**
   * What stack rules see. The engine gives resource rules each resource's inputs and stack
   * rules every resource's outputs; default: the same records for both.
   */
  stackResources?: readonly ResourceRecord[];
  stackTags?: ReadonlyMap<string, string>;
}

/**
 * Evaluates rules over resources the way the Pulumi engine does: every resource rule against
 * every resource, then every stack rule once over all resources.
 * `disabled` rules are skipped; a rule's enforcement level can be overridden by config.
 */
export async function evaluateRules(
  rules: readonly BloomRule[],
  records: readonly ResourceRecord[],
  options: EvaluationOptions = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const stackResources = options.stackResources ?? records;
  const byUrn = new Map([...stackResources, ...records].map((r) => [r.urn, r]));
  for (const rule of rules) {
    const given = options.config?.[rule.name] ?? {};
    const { enforcementLevel: override, ...overrides } =
      typeof given === "string" ? { enforcementLevel: given } : given;
    const enforcementLevel = override ?? rule.enforcementLevel;
    if (enforcementLevel === "disabled") continue;
    const context = { config: { ...configDefaults(rule), ...overrides }, stackTags: options.stackTags };
    const report = (defaultUrn?: string) => (message: string, urn?: string) => {
      const target = urn ?? defaultUrn;
      const record = target ? byUrn.get(target) : undefined;
      violations.push({
        rule: rule.name,
        enforcementLevel,
        message,
        ...(target ? { urn: target } : {}),
        ...(record ? { resourceName: record.name, resourceType: record.type } : {}),
      });
    };
    if (isStackRule(rule)) {
      await runGuarded(rule.name, () => rule.validateStack(stackValidationArgs(stackResources, context), report()));
      continue;
    }
    const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
    for (const record of records) {
      for (const validate of validations) {
        // The resource's own URN always wins, as in the engine.
        const reportForResource = (message: string) => report(record.urn)(message);
        await runGuarded(
          rule.name,
          () => validate(resourceValidationArgs(record, context), reportForResource),
          record.urn,
        );
      }
    }
  }
  return violations;
}

async function runGuarded(ruleName: string, run: () => void | Promise<void>, urn?: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof NotApplicableError) return;
    const where = urn ? ` on ${urn}` : "";
    throw new Error(`policy ${ruleName} failed${where}: ${(error as Error).message}`);
  }
}

export function hasMandatoryViolation(violations: readonly Violation[]): boolean {
  return violations.some((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate");
}
