/** Reads a shipped Pulumi.<stack>.yaml's `config:` map as plain values (for stack tests). */
import * as fs from "node:fs";
import * as path from "node:path";

// js-yaml is a dependency of @pulumi/pulumi; its types are not installed.
const yaml = require("js-yaml") as { load(text: string): unknown };

export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The stack file's config with `bloom-dr:`-qualified keys kept as written. */
export function shippedConfig(stack: "prod" | "dr"): Record<string, unknown> {
  const document = yaml.load(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return document.config;
}

/** Deep copy so a test can change one key without touching the next test's config. */
export function withChanges(
  config: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  return { ...structuredClone(config), ...changes };
}
