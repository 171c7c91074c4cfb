/**
 * A PostgreSQL URL that carries a password: `postgres://user:password@host`. The password
 * part must be non-empty; `postgres://user@host` (password from a secret or IAM) is fine.
 */
const URL_WITH_PASSWORD = /postgres(?:ql)?:\/\/[^\s:/@]+:[^\s@/]+@/i;

export function containsPasswordUrl(value: unknown): boolean {
  return typeof value === "string" && URL_WITH_PASSWORD.test(value);
}

/** Names of the variables (never their values) whose value embeds a password URL. */
export function variablesWithPasswordUrls(variables: Record<string, unknown> | undefined): string[] {
  return Object.entries(variables ?? {})
    .filter(([, value]) => containsPasswordUrl(value))
    .map(([name]) => name);
}

/** ECS container definitions arrive as a JSON string: the environment of each container. */
export function containerEnvironments(
  containerDefinitions: unknown,
): Array<{ container: string; variables: Record<string, unknown> }> {
  let parsed: unknown = containerDefinitions;
  if (typeof containerDefinitions === "string") {
    try {
      parsed = JSON.parse(containerDefinitions);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((definition: { name?: string; environment?: Array<{ name?: string; value?: unknown }> }) => ({
    container: definition.name ?? "(unnamed)",
    variables: Object.fromEntries((definition.environment ?? []).map((e) => [e.name ?? "", e.value])),
  }));
}
