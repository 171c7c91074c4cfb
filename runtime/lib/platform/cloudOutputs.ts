import { StackOutputs } from "./stackDriver";

/**
 * Reading the stacks' outputs (names from stacks/prod.ts and stacks/dr.ts) with one-line errors
 * that say which stack lacks what.
 */
export function requireOutput(outputs: StackOutputs, stackName: string, key: string, hint: string): string {
  const value = outputs[key]?.value;
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number") return String(value);
  throw new Error(`stack ${stackName} has no output "${key}": ${hint}`);
}

export function optionalOutput(outputs: StackOutputs, key: string): string | undefined {
  const value = outputs[key]?.value;
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

/** The RDS-managed master secret is JSON {"username", "password"}. */
export function parseMasterSecret(text: string, arnForMessage: string): { username: string; password: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `secret ${arnForMessage} is not JSON: expected the RDS-managed master secret {"username", "password"}`,
    );
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== "string" || typeof password !== "string") {
    throw new Error(`secret ${arnForMessage} lacks username or password: expected the RDS-managed master secret`);
  }
  return { username, password };
}

/** postgresql://user:pass@host:port/db?sslmode=require (RDS requires TLS). */
export function rdsUrl(
  host: string,
  port: string,
  credentials: { username: string; password: string },
  database: string,
  sslmode = "require",
): string {
  return `postgresql://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${host}:${port}/${database}?sslmode=${sslmode}`;
}
