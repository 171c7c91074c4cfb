import type { PolicyResource } from "@pulumi/policy";
import { knownValue, ofTypes } from "./links";
import { RDS_INSTANCE_TYPES, SECRET_VERSION_TYPES } from "./resourceTypes";

/**
 * Whether a secret version's value is built from an RDS instance (the app's DATABASE_URL after a
 * failover): the engine's property dependency, or else the instance's address inside the value.
 */
export function builtFrom(secretVersion: PolicyResource, instance: PolicyResource): boolean {
  const dependencies = secretVersion.propertyDependencies?.secretString;
  if (dependencies && dependencies.length > 0) return dependencies.some((d) => d.urn === instance.urn);
  const value = knownValue(secretVersion.props, "secretString");
  const address = knownValue(instance.props, "address");
  return typeof value === "string" && typeof address === "string" && address.length > 0 && value.includes(address);
}

export interface ServingSecret {
  readonly version: PolicyResource;
  readonly instance: PolicyResource;
}

/** Every (secret version, RDS instance) pair where the version's value is built from the instance. */
export function servingSecrets(resources: readonly PolicyResource[]): ServingSecret[] {
  const versions = ofTypes(resources, SECRET_VERSION_TYPES);
  return ofTypes(resources, RDS_INSTANCE_TYPES).flatMap((instance) =>
    versions.filter((version) => builtFrom(version, instance)).map((version) => ({ version, instance })),
  );
}
