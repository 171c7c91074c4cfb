/**
 * Logical replication's defaults and the checks of its inputs that need no database: a light
 * module (no imports), so the CLI checks options before it loads the engine.
 */

/** The publication on the source and the subscription on the target (its slot on the source has the same name). */
export const DEFAULT_PUBLICATION = "bloom_dr";
export const DEFAULT_SUBSCRIPTION = "bloom_dr";

/** `status` fails when the replica is further behind than this (the lag alarm's default threshold). */
export const DEFAULT_MAX_LAG_SECONDS = 60;

/** How long promote waits for the replica to apply what the source had when promote started. */
export const DEFAULT_DRAIN_SECONDS = 60;

/** How long setup waits for the initial copy of every table (run setup again to keep waiting). */
export const DEFAULT_SYNC_WAIT_SECONDS = 600;

/**
 * Why a name cannot be a publication or subscription (and slot) name, or undefined: a plain
 * lower-case identifier, so it needs no quoting anywhere (a slot name allows nothing else).
 */
export function replicationNameProblem(kind: "publication" | "subscription", name: string): string | undefined {
  if (/^[a-z_][a-z0-9_]{0,62}$/.test(name) && !name.startsWith("pg_")) return undefined;
  return `${kind} name "${name}" is not usable: give a lower-case name of letters, digits and "_" (at most 63), not starting with pg_, e.g. ${kind === "publication" ? DEFAULT_PUBLICATION : DEFAULT_SUBSCRIPTION}`;
}
