/**
 * Runs `scripts/plan.ts` in a child process (the Pulumi runtime is process-global, so one
 * program run per process), exactly as `npm run plan` does.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const yaml = require("js-yaml") as { load(text: string): any; dump(value: unknown): string };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPlanCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [path.join(ROOT, "scripts", "plan.ts"), ...args],
      { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface JsonPlan {
  resources: Array<{
    type: string;
    name: string;
    urn: string;
    protect?: boolean;
    retainOnDelete?: boolean;
    parent?: string;
    /** URNs it depends on (dependsOn and input sources). */
    dependencies?: string[];
    inputs: Record<string, any>;
  }>;
  outputs: Record<string, unknown>;
  violations: Array<{
    rule: string;
    enforcementLevel: string;
    message: string;
    resourceName?: string;
    resourceType?: string;
  }>;
  mandatoryViolations: number;
}

export async function runPlanJson(args: readonly string[]): Promise<CliResult & { plan: JsonPlan }> {
  const result = await runPlanCli([...args, "--json"]);
  if (result.stderr.trim() !== "")
    throw new Error(`plan ${args.join(" ")} failed (exit ${result.code}): ${result.stderr}`);
  return { ...result, plan: JSON.parse(result.stdout) as JsonPlan };
}

// One directory per test file for the configs it writes, removed when the file's tests end.
let tempDir: string | undefined;
let written = 0;
/** A fresh subdirectory per file, so two variants never overwrite each other and keep their names. */
function tempFile(name: string): string {
  tempDir ??= mkdtempSync(path.join(tmpdir(), "bloom-plan-"));
  const dir = path.join(tempDir, String(++written));
  mkdirSync(dir);
  return path.join(dir, name);
}
afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

/** The shipped stack config, changed by `edit`, written to a temporary file; returns its path. */
export function variantConfig(stack: "prod" | "dr", edit: (config: Record<string, any>) => void): string {
  const document = yaml.load(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(document.config);
  const file = tempFile(`Pulumi.${stack}.yaml`);
  writeFileSync(file, yaml.dump(document));
  return file;
}

export function writeTemp(name: string, content: string): string {
  const file = tempFile(name);
  writeFileSync(file, content);
  return file;
}

export const typesOf = (plan: JsonPlan, type: string) => plan.resources.filter((r) => r.type === type);
export const rulesViolated = (plan: JsonPlan, level = "mandatory") =>
  [...new Set(plan.violations.filter((v) => v.enforcementLevel === level).map((v) => v.rule))].sort();
