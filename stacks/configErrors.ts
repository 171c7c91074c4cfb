/**
 * Turns a zod issue into the one-line message an operator sees:
 * `bloom-dr:<key> <what is wrong> (got <value>)`. Pure.
 */
import type { core } from "zod";
import { OBJECT_KEYS } from "./configSchema";

export const CONFIG_NAMESPACE = "bloom-dr";

/** `bloom-dr:pitrBranches[0].at` for the path ["pitrBranches", 0, "at"]. */
export function configKey(path: readonly PropertyKey[]): string {
  let key = "";
  for (const part of path) {
    if (typeof part === "number") key += `[${part}]`;
    else key += key === "" ? String(part) : `.${String(part)}`;
  }
  return `${CONFIG_NAMESPACE}:${key}`;
}

/** JSON for strings and plain values, so an operator can see quotes and types. */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

const TYPE_NAMES: Record<string, string> = {
  int: "whole number",
  number: "number",
  string: "string",
  boolean: "boolean (true or false)",
  array: "list",
  object: "object",
};

function allowedKeys(path: readonly PropertyKey[]): readonly string[] {
  const objectPath = path.filter((part) => typeof part !== "number").join(".");
  return OBJECT_KEYS[objectPath] ?? [];
}

function bound(issue: { origin?: string }, limit: unknown, word: "least" | "most"): string {
  if (issue.origin === "array") return `must have at ${word} ${String(limit)} entries`;
  if (issue.origin === "string") return `must have at ${word} ${String(limit)} characters`;
  return `must be at ${word} ${String(limit)}`;
}

/**
 * Config paths (without indices) whose values are secrets: a message names them but never
 * shows their value. `failover.app` itself too, in case the hook URL was put there by mistake.
 */
export const SECRET_CONFIG_PATHS: ReadonlySet<string> = new Set(["failover.app", "failover.app.redeployHookUrl"]);

function isSecretPath(path: readonly PropertyKey[]): boolean {
  return SECRET_CONFIG_PATHS.has(path.filter((part) => typeof part !== "number").join("."));
}

export function formatIssue(issue: core.$ZodIssue): string {
  const key = configKey(issue.path);
  const input = (issue as { input?: unknown }).input;
  const secret = isSecretPath(issue.path);
  const got = (value: unknown) => (secret && value !== undefined ? "a secret, not shown" : shown(value));
  switch (issue.code) {
    case "invalid_value":
      if (input === undefined)
        return `${key} is required (one of ${issue.values.map((value) => String(value)).join(", ")})`;
      return `${key} must be one of ${issue.values.map((value) => String(value)).join(", ")} (got ${got(input)})`;
    case "invalid_union": {
      // Only literal unions are used (pgVersion): list the literals.
      const literals = issue.errors.flat().flatMap((inner) => (inner.code === "invalid_value" ? inner.values : []));
      return `${key} must be one of ${literals.map(String).join(", ")} (got ${got(input)})`;
    }
    case "invalid_type":
      if (input === undefined) return `${key} is required (a ${TYPE_NAMES[issue.expected] ?? issue.expected})`;
      return `${key} must be a ${TYPE_NAMES[issue.expected] ?? issue.expected} (got ${got(input)})`;
    case "too_small":
      return `${key} ${bound(issue, issue.minimum, "least")} (got ${got(input)})`;
    case "too_big":
      return `${key} ${bound(issue, issue.maximum, "most")} (got ${got(input)})`;
    case "unrecognized_keys": {
      const allowed = allowedKeys(issue.path);
      const where = issue.path.length === 0 ? `${CONFIG_NAMESPACE}:${issue.keys[0]}` : `${key}.${issue.keys[0]}`;
      return `${where} is not a known setting (allowed here: ${allowed.join(", ")})`;
    }
    case "invalid_format":
    case "custom":
      return `${key} ${issue.message} (got ${got(input)})`;
    default:
      return `${key} ${issue.message}`;
  }
}

/** The error parseStackConfig throws: one line, for the first problem found. */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}
