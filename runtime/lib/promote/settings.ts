/**
 * promote's defaults and the checks of its inputs that need no database: a light module (no
 * imports), so the CLI checks options before it loads the engine.
 */

export const DEFAULT_APP_ROLE = "bloom_app";

/** Where `bloom-dr promote` reads the app role's password from by default (never from argv). */
export const DEFAULT_APP_PASSWORD_ENV = "BLOOM_DR_APP_PASSWORD";

/** The playbook's 24 h RPO plus slack for a daily backup that ran a little late. */
export const DEFAULT_MAX_AGE_HOURS = 26;

const RESERVED_ROLES = new Set(["public", "none", "current_role", "current_user", "session_user", "postgres"]);

/** Why a name cannot be the app role, or undefined: a plain lower-case identifier that is not reserved. */
export function appRoleNameProblem(name: string): string | undefined {
  if (
    /^[a-z_][a-z0-9_]{0,62}$/.test(name) &&
    !name.startsWith("pg_") &&
    !name.startsWith("rds") &&
    !RESERVED_ROLES.has(name)
  )
    return undefined;
  return `app role "${name}" is not usable: give a lower-case name of letters, digits and "_" (at most 63), not starting with pg_ or rds and not a reserved name, e.g. ${DEFAULT_APP_ROLE}`;
}

/**
 * Why a password cannot be the app role's, or undefined. PostgreSQL applies SASLprep to a
 * password before hashing it, which leaves printable ASCII unchanged; anything else would need
 * SASLprep's tables for the verifier computed here to match, so it is refused (the stack
 * generates ASCII). `source` names where it came from, never its value.
 */
export function appPasswordProblem(password: string, source: string): string | undefined {
  if (password.length < 12) return `${source} is shorter than 12 characters: give the app role a longer password`;
  if (!/^[\x20-\x7e]+$/.test(password))
    return `${source} contains characters outside printable ASCII: use letters, digits and ASCII punctuation only`;
  return undefined;
}
