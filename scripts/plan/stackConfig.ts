/**
 * Turns a Pulumi.<stack>.yaml file into what `pulumi.runtime.setAllConfig` takes: fully
 * qualified keys, string values (objects JSON-encoded, as the CLI passes them) and the list of
 * secret keys. `secure:` values cannot be decrypted offline: they become placeholders that
 * are marked secret, so the program sees a secret and the plan prints [secret]. The CLI marks a
 * whole top-level key secret when a value inside it is (`pulumi config set --secret --path`).
 */
// js-yaml is a dependency of @pulumi/pulumi; its types are not installed, hence the narrow signature.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(text: string, options?: { filename?: string }): unknown };

export interface StackConfig {
  /** Fully qualified key ("bloom-dr:neon", "aws:region") → value as the CLI passes it. */
  values: Record<string, string>;
  secretKeys: string[];
}

export const SECRET_PLACEHOLDER_PREFIX = "offline-plan-secret:";
/** A secret whose key names a URL (`redeployHookUrl`) gets a URL placeholder, so URL checks pass offline. */
export const SECRET_URL_PLACEHOLDER_PREFIX = "https://offline-plan-secret.invalid/";

function placeholder(key: string): string {
  return /(Url|Uri)$/.test(key) ? `${SECRET_URL_PLACEHOLDER_PREFIX}${key}` : `${SECRET_PLACEHOLDER_PREFIX}${key}`;
}

function isSecure(value: unknown): value is { secure: string } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** Replaces every `{ secure: ... }` inside `value` with a placeholder; reports whether any was found. */
function replaceSecure(value: unknown, key: string): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: placeholder(key), secret: true };
  if (Array.isArray(value)) {
    const items = value.map((item, i) => replaceSecure(item, `${key}[${i}]`));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, replaceSecure(v, `${key}.${k}`)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, r]) => [k, r.value])),
      secret: entries.some(([, r]) => r.secret),
    };
  }
  return { value, secret: false };
}

export function stackConfigFromYaml(text: string, project: string, source = "stack config"): StackConfig {
  let document: unknown;
  try {
    document = yaml.load(text, { filename: source });
  } catch (error) {
    throw new Error(`plan: ${source} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (document === null || document === undefined) return { values: {}, secretKeys: [] };
  if (typeof document !== "object" || Array.isArray(document))
    throw new Error(`plan: ${source} must be a YAML mapping with a "config:" key`);
  const config = (document as { config?: unknown }).config ?? {};
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new Error(`plan: ${source} "config:" must be a mapping of keys to values`);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const { value, secret } = replaceSecure(rawValue, key);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

export interface ProjectConfig {
  /** Project-level defaults (`value:` or `default:`), overridden by the stack's config. */
  values: Record<string, string>;
  /** `pulumi:tags`: the stack tags the policy pack sees as `stackTags`. */
  stackTags: Map<string, string>;
}

/** Reads the `config:` block of Pulumi.yaml (typed declarations with `value` or `default`). */
export function projectConfigFromYaml(text: string, project: string, source = "Pulumi.yaml"): ProjectConfig {
  const document = yaml.load(text, { filename: source }) as { config?: Record<string, unknown> } | null;
  const values: Record<string, string> = {};
  const stackTags = new Map<string, string>();
  for (const [rawKey, declaration] of Object.entries(document?.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const isDeclaration = declaration !== null && typeof declaration === "object" && !Array.isArray(declaration);
    const value = isDeclaration
      ? ((declaration as { value?: unknown }).value ?? (declaration as { default?: unknown }).default)
      : declaration;
    if (value === undefined) continue;
    if (key === "pulumi:tags") {
      for (const [tag, tagValue] of Object.entries(value as Record<string, unknown>))
        stackTags.set(tag, String(tagValue));
      continue;
    }
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, stackTags };
}
