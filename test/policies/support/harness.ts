/**
 * Runs one rule the way the CrossGuard server would, through the same argument builders the
 * offline plan uses (policies/lib/validationArgs.ts).
 */
import { BloomResourceRule, BloomStackRule, configDefaults } from "../../../policies/lib/rule";
import {
  NotApplicableError,
  ResourceRecord,
  resourceValidationArgs,
  stackValidationArgs,
  urnFor,
} from "../../../policies/lib/validationArgs";

export const NOT_APPLICABLE = "not applicable";

export function record(
  type: string,
  name: string,
  props: Record<string, any>,
  extra: Partial<ResourceRecord> = {},
): ResourceRecord {
  return { type, name, urn: urnFor(type, name), props, ...extra };
}

/** Messages the rule reports for one resource, or NOT_APPLICABLE when it calls notApplicable. */
export async function resourceViolations(
  rule: BloomResourceRule,
  resource: ResourceRecord,
  config: Record<string, unknown> = {},
): Promise<string[] | typeof NOT_APPLICABLE> {
  const messages: string[] = [];
  const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
  try {
    for (const validate of validations) {
      await validate(resourceValidationArgs(resource, { config: { ...configDefaults(rule), ...config } }), (message) =>
        messages.push(message),
      );
    }
  } catch (error) {
    if (error instanceof NotApplicableError) return NOT_APPLICABLE;
    throw error;
  }
  return messages;
}

export interface StackViolation {
  message: string;
  urn?: string;
}

export async function stackViolations(
  rule: BloomStackRule,
  resources: readonly ResourceRecord[],
  config: Record<string, unknown> = {},
): Promise<StackViolation[]> {
  const violations: StackViolation[] = [];
  await rule.validateStack(
    stackValidationArgs(resources, { config: { ...configDefaults(rule), ...config } }),
    (message, urn) => violations.push(urn ? { message, urn } : { message }),
  );
  return violations;
}

/** A deep copy of `value` with `path` (dot-separated; numeric parts index arrays) set, or deleted when `to` is DELETE. */
export const DELETE = Symbol("delete");
export function withChange<T>(value: T, path: string, to: unknown): T {
  const copy = structuredClone(value) as any;
  const parts = path.split(".");
  let cursor = copy;
  for (const part of parts.slice(0, -1)) {
    cursor[part] ??= {};
    cursor = cursor[part];
  }
  const last = parts[parts.length - 1];
  if (to === DELETE) delete cursor[last];
  else cursor[last] = to;
  return copy;
}
