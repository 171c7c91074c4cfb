/**
 * Help and usage errors load the command specs and commander, never the engine: no pg, AWS SDK,
 * zod or Pulumi at start-up (each command loads those inside run(), when it runs), so that
 * `bloom-dr --help` stays fast. Checked in a child process that runs the CLI through its own loader
 * and lists require.cache when it is done.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { COMMANDS } from "../../../runtime/cli/commands";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** commander parses; esbuild compiles on a cold cache (bin/loadTypeScript.js). */
const START_UP_PACKAGES = ["commander", "esbuild"];

function packagesLoadedBy(args: string[]): { code: number | null; packages: string[] } {
  const script = `
    require("./bin/loadTypeScript").register();
    require("./runtime/cli/main").main(process.argv.slice(1)).then((code) => {
      process.stderr.write("\\nloaded: " + JSON.stringify(Object.keys(require.cache)) + "\\n");
      process.exitCode = code;
    });`;
  const run = spawnSync(process.execPath, ["-e", script, "--", ...args], { cwd: ROOT, encoding: "utf8" });
  const line = run.stderr.split("\n").find((l) => l.startsWith("loaded: "));
  if (!line) throw new Error(`no module list from ${args.join(" ")}: ${run.stderr}`);
  const files = JSON.parse(line.slice("loaded: ".length)) as string[];
  const packages = files.flatMap((f) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []);
  return { code: run.status, packages: [...new Set(packages)].sort() };
}

const groups = [...new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]))];

test.each([
  [["--help"], 0],
  ...COMMANDS.map((c): [string[], number] => [[...c.name.split(" "), "--help"], 0]),
  ...groups.map((g): [string[], number] => [[g, "--help"], 0]),
  [["backup", "--store", "/nonexistent"], 2],
  [["nosuch"], 2],
])("%j loads no package but commander (exit %d)", (args, code) => {
  const run = packagesLoadedBy(args);
  expect(run.code).toBe(code);
  expect(run.packages.filter((p) => !START_UP_PACKAGES.includes(p))).toEqual([]);
  expect(run.packages).toContain("commander");
});

test("the check sees what a command loads when it runs: backup loads pg", () => {
  const store = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-lazy-"));
  try {
    // nothing listens on port 1: the backup fails at connect, after loading its engine
    const run = packagesLoadedBy(["backup", "--db", "postgresql://u@127.0.0.1:1/db", "--store", store]);
    expect(run.code).toBe(1);
    expect(run.packages).toContain("pg");
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});
