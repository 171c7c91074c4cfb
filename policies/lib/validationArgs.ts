import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";

/**
 * Builds the arguments the CrossGuard server (@pulumi/policy 1.21 server.js) passes to
 * `validateResource` and `validateStack`, from plain records. @pulumi/policy ships no test
 * helper; tests and the offline plan (scripts/plan.ts) both evaluate rules through this.
 */

/** A registered resource: what the engine knows about it (inputs for resource rules). */
export interface ResourceRecord {
  type: string;
  name: string;
  urn: string;
  props: Record<string, any>;
  parentUrn?: string;
  dependencyUrns?: string[];
  propertyDependencyUrns?: Record<string, string[]>;
  opts?: Partial<PolicyResourceOptions> & LifecycleOptions;
}

/**
 * Options @pulumi/policy 1.21 does not pass to packs. The offline plan knows them and passes them
 * in `opts`; under `pulumi preview --policy-pack` they are absent (undefined: not known).
 */
export interface LifecycleOptions {
  retainOnDelete?: boolean;
}

export interface ValidationContext {
  /** The rule's config (already merged with its defaults by the caller). */
  config?: Record<string, unknown>;
  stackTags?: ReadonlyMap<string, string>;
}

/** Thrown by `notApplicable`, as the server's NotApplicableError: the rule does not apply. */
export class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

/** The server's isTypeOf: by the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const pulumiType = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  if (typeof pulumiType === "string" && pulumiType.length > 0) return type === pulumiType;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean } | undefined)?.isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function options(record: ResourceRecord): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(record.parentUrn ? { parent: record.parentUrn } : {}),
    ...record.opts,
  };
}

function configGetter(context: ValidationContext) {
  return <T extends object>(): T => ({ ...(context.config ?? {}) }) as T;
}

export function urnFor(type: string, name: string, stack = "test", project = "bloom-dr"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

export function resourceValidationArgs(
  record: ResourceRecord,
  context: ValidationContext = {},
): ResourceValidationArgs {
  const { type, props } = record;
  return {
    type,
    props,
    urn: record.urn,
    name: record.name,
    opts: options(record),
    stackTags: context.stackTags ?? new Map(),
    isType: (resourceClass) => isTypeOf(type, resourceClass),
    asType: ((resourceClass: unknown) =>
      isTypeOf(type, resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: configGetter(context),
    notApplicable: throwNotApplicable,
  };
}

/** Policy resources with parent, dependencies and property dependencies linked to objects, as the server does. */
export function policyResources(records: readonly ResourceRecord[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const resources = records.map((record) => {
    const { type, props } = record;
    const resource: PolicyResource = {
      type,
      props,
      urn: record.urn,
      name: record.name,
      opts: options(record),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(type, resourceClass),
      asType: ((resourceClass: unknown) =>
        isTypeOf(type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    };
    byUrn.set(record.urn, resource);
    return resource;
  });
  const known = (urns: readonly string[] | undefined) =>
    (urns ?? []).map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
  records.forEach((record, i) => {
    const resource = resources[i];
    const parent = record.parentUrn ? byUrn.get(record.parentUrn) : undefined;
    if (parent) resource.parent = parent;
    resource.dependencies = known(record.dependencyUrns);
    for (const [property, urns] of Object.entries(record.propertyDependencyUrns ?? {})) {
      resource.propertyDependencies[property] = known(urns);
    }
  });
  return resources;
}

export function stackValidationArgs(
  records: readonly ResourceRecord[],
  context: ValidationContext = {},
): StackValidationArgs {
  return {
    resources: policyResources(records),
    stackTags: context.stackTags ?? new Map(),
    getConfig: configGetter(context),
    notApplicable: throwNotApplicable,
  };
}
