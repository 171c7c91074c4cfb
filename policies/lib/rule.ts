import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

/**
 * A bloom-dr rule: a CrossGuard policy whose enforcement level and remediation steps are
 * required, so that every rule states deliberately how hard it blocks and how to fix it.
 * Rules are plain objects (no `new PolicyPack`, which starts a gRPC server) so that tests
 * and the offline plan can evaluate them directly.
 */
type Deliberate = {
  enforcementLevel: EnforcementLevel;
  remediationSteps: string;
  configSchema?: PolicyConfigSchema;
};
export type BloomResourceRule = ResourceValidationPolicy & Deliberate & { validateResource: ResourceValidation };
export type BloomStackRule = StackValidationPolicy & Deliberate;
export type BloomRule = BloomResourceRule | BloomStackRule;

export function isStackRule(rule: BloomRule): rule is BloomStackRule {
  return typeof (rule as BloomStackRule).validateStack === "function";
}

export type TypedValidation = (
  props: Record<string, any>,
  args: ResourceValidationArgs,
  reportViolation: ReportViolation,
) => void | Promise<void>;

/**
 * Like `validateResourceOfType` from @pulumi/policy, but keyed by type tokens instead of SDK
 * classes: the pack then never imports @pulumi/aws or @pulumi/neon, which keeps it fast to
 * load and independent of the provider SDK versions.
 */
export function forTypes(types: readonly string[], validate: TypedValidation): ResourceValidation {
  const validation: ResourceValidation = (args, reportViolation) => {
    if (!types.includes(args.type)) {
      return args.notApplicable(`Policy only applies to resources of type ${types.join(" or ")}`);
    }
    return validate(args.props, args, reportViolation);
  };
  // With one type, the CrossGuard server skips other resources without calling us (its fast path).
  if (types.length === 1) (validation as ResourceValidation & { __pulumiType?: string }).__pulumiType = types[0];
  return validation;
}

/**
 * The rule's config with its documented defaults filled in: the Pulumi CLI fills schema
 * defaults, but a rule must not depend on who calls it.
 */
export function readConfig<T extends object>(args: { getConfig<U extends object>(): U }, defaults: T): T {
  const given = args.getConfig<Partial<T>>() ?? {};
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

/** Schema defaults of a rule, as the Pulumi CLI would fill them in. */
export function configDefaults(rule: BloomRule): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(rule.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) defaults[key] = schema.default;
  }
  return defaults;
}
