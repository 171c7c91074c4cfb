/**
 * The health probe's contract with its component (components/healthProbe.ts): the handler string,
 * the environment variables, and the secret's shape. Pure: reads plain objects, throws one-line
 * errors that name the variable or the secret, never a value that could hold a password.
 */
import { parseConnectionUrl } from "../lib/postgres/connectionUrl";

import { HEALTH_PROBE_ENV } from "./contract";

// the names live in the contract module, which components/ may import
export { HEALTH_PROBE_ENV, HEALTH_PROBE_HANDLER } from "./contract";

export const DEFAULT_PROBE_TIMEOUT_MS = 5000;

export interface HealthProbeSettings {
  secretArn: string;
  database: string;
  timeoutMs: number;
}

export function healthProbeSettingsFromEnv(env: NodeJS.ProcessEnv): HealthProbeSettings {
  const value = (name: string) => env[name]?.trim() || undefined;
  const secretArn = value(HEALTH_PROBE_ENV.secretArn);
  if (!secretArn)
    throw new Error(
      `environment variable ${HEALTH_PROBE_ENV.secretArn} is not set: it must hold the ARN of the monitor role's URLs secret`,
    );
  const database = value(HEALTH_PROBE_ENV.database);
  if (!database)
    throw new Error(
      `environment variable ${HEALTH_PROBE_ENV.database} is not set: it must name the watched database (the metrics' dimension)`,
    );
  const rawTimeout = value(HEALTH_PROBE_ENV.timeoutMs);
  const timeoutMs = rawTimeout === undefined ? DEFAULT_PROBE_TIMEOUT_MS : Number(rawTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)
    throw new Error(
      `environment variable ${HEALTH_PROBE_ENV.timeoutMs} must be whole milliseconds between 100 and 60000 (got "${rawTimeout}")`,
    );
  return { secretArn, database, timeoutMs };
}

export interface ProbeUrls {
  direct: string;
  pooled?: string;
}

/** {"direct": "postgresql://…", "pooled": "postgresql://…"} (pooled optional); errors never show a value. */
export function probeUrlsFromSecret(secretString: string, secretArn: string): ProbeUrls {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error(
      `secret ${secretArn} is not JSON: store {"direct": "postgresql://…", "pooled": "postgresql://…"} (the monitor role's URLs)`,
    );
  }
  const check = (key: "direct" | "pooled", required: boolean): string | undefined => {
    const url = parsed?.[key];
    if (url === undefined && !required) return undefined;
    if (typeof url !== "string")
      throw new Error(`secret ${secretArn} has no "${key}" URL: store {"direct": "postgresql://…", "pooled": …}`);
    try {
      parseConnectionUrl(url);
    } catch {
      throw new Error(`secret ${secretArn}: "${key}" is not a postgresql:// URL`);
    }
    return url;
  };
  const direct = check("direct", true)!;
  const pooled = check("pooled", false);
  return pooled ? { direct, pooled } : { direct };
}
