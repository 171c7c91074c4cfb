import type { PolicyResource } from "@pulumi/policy";

/**
 * A property's value, or undefined while it is unknown: during `pulumi preview` the engine's
 * props proxy throws on reading a value that is not computed yet, and an unknown value
 * cannot prove a link.
 */
export function knownValue(props: Record<string, any>, key: string): unknown {
  try {
    return props[key];
  } catch {
    return undefined;
  }
}

/**
 * Whether `dependent.props[property]` refers to `target`. The engine's property dependencies
 * are authoritative and are known even during a preview, when the value itself may still be
 * unknown; without them (resources built elsewhere) fall back to comparing values with the
 * target's identifying outputs.
 */
export function refersTo(
  dependent: PolicyResource,
  property: string,
  target: PolicyResource,
  targetKeys: readonly string[],
): boolean {
  const dependencies = dependent.propertyDependencies?.[property];
  if (dependencies && dependencies.length > 0) {
    return dependencies.some((d) => d.urn === target.urn);
  }
  const value = knownValue(dependent.props, property);
  if (value === undefined || value === null) return false;
  return targetKeys.some((key) => knownValue(target.props, key) === value);
}

/** Resources of one of `types` whose `property` refers to `target`. */
export function resourcesReferring(
  resources: readonly PolicyResource[],
  types: readonly string[],
  property: string,
  target: PolicyResource,
  targetKeys: readonly string[],
): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type) && refersTo(r, property, target, targetKeys));
}

export function ofTypes(resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type));
}
