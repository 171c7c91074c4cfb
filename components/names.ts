/**
 * Physical names that must be spelled out (Pulumi auto-names everything else) kept inside AWS
 * length and character limits. Too-long names are shortened with a hash of the full name so two
 * long names never collapse into the same one.
 */
import { createHash } from "node:crypto";

export const NAME_LIMITS = {
  /** RDS DB instance identifier. */
  rdsIdentifier: 63,
  /** RDS snapshot identifier. */
  rdsSnapshotIdentifier: 255,
  /** Lambda function, IAM role, Scheduler schedule. */
  lambdaFunction: 64,
  /** Tag values. */
  tagValue: 256,
} as const;

const HASH_LENGTH = 6;

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * Joins parts with "-", lowercases, replaces what RDS forbids, collapses repeated hyphens and
 * fits `maxLength`. The result starts with a letter and never ends with a hyphen.
 */
export function boundedName(parts: readonly string[], maxLength: number): string {
  if (maxLength < HASH_LENGTH + 3) throw new Error(`boundedName: maxLength ${maxLength} leaves no room for a name`);
  const full = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  if (full.length === 0) throw new Error(`boundedName: [${parts.join(", ")}] has no letter to start a name with`);
  if (full.length <= maxLength) return full;
  const head = full.slice(0, maxLength - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${head}-${shortHash(full)}`;
}

/**
 * Identifier of the final snapshot RDS takes when the failover instance is deleted. `suffix` is
 * unique per instance (FailoverDatabase keys a random id to the instance's lifetime): snapshot
 * identifiers are unique per account and region, so a fixed name fails the second deletion
 * (standby -> off twice, or a drill stack destroyed twice).
 */
export function finalSnapshotIdentifier(project: string, stack: string, component: string, suffix: string): string {
  if (!/^[a-z0-9]+$/.test(suffix))
    throw new Error(`finalSnapshotIdentifier: suffix must be lowercase letters and digits (got "${suffix}")`);
  // The suffix goes last and whole: shortening keeps it, so two instances never share a name.
  const head = boundedName([project, stack, component], NAME_LIMITS.rdsSnapshotIdentifier - suffix.length - 7);
  return `${head}-final-${suffix}`;
}

/** Tag value for drill resources; tag values allow 256 characters. */
export function drillTagValue(scenario: string): string {
  return scenario.slice(0, NAME_LIMITS.tagValue);
}
