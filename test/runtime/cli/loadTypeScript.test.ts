/**
 * bin/loadTypeScript.js, the loader the CLI runs on: each test starts fresh Node processes that
 * load a small TypeScript module tree through it, with the compile cache in a temporary directory.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const LOADER = path.resolve(__dirname, "..", "..", "..", "bin", "loadTypeScript.js");

let work: string;
let sources: string;
let cache: string;

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-loader-"));
  sources = path.join(work, "src");
  cache = path.join(work, "cache");
  mkdirSync(sources);
  writeFileSync(
    path.join(sources, "main.ts"),
    [
      'import { Failure } from "./failure";',
      "export async function answer(): Promise<number> {",
      '  const { value } = await import("./lazy"); // extensionless, as the commands write it',
      "  return value;",
      "}",
      "export function fail(): never {",
      '  throw new Failure("boom", 3);',
      "}",
    ].join("\n"),
  );
  writeFileSync(
    path.join(sources, "failure.ts"),
    "export class Failure extends Error {\n  constructor(message: string, readonly code: number) {\n    super(message);\n  }\n}\n",
  );
  writeFileSync(path.join(sources, "lazy.ts"), "export const value: number = 42;\n");
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Loads main.ts through the loader in a fresh process; reports what it computed and what was loaded. */
function load(cacheDir: string | null): { value: number; code: number; stackLine: string; esbuild: boolean } {
  const script = `
    require(${JSON.stringify(LOADER)}).register({ cacheDir: ${JSON.stringify(cacheDir)} });
    const main = require(${JSON.stringify(path.join(sources, "main"))});
    main.answer().then((value) => {
      let code, stackLine;
      try { main.fail(); } catch (err) { code = err.code; stackLine = err.stack.split("\\n")[1]; }
      const esbuild = Object.keys(require.cache).some((f) => f.includes("/node_modules/esbuild/"));
      process.stdout.write(JSON.stringify({ value, code, stackLine, esbuild }));
    });`;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

test("compiles on the first run and caches; the next run starts no compiler and gives the same result", () => {
  const first = load(cache);
  expect(first).toMatchObject({ value: 42, code: 3, esbuild: true });
  // stack traces point into the TypeScript (line 7 of main.ts)
  expect(first.stackLine).toContain(`${path.join(sources, "main.ts")}:7:`);
  expect(readdirSync(cache)).toHaveLength(3);
  const second = load(cache);
  expect(second).toEqual({ ...first, esbuild: false });
});

test("an edited source is compiled again and its stale copy removed", () => {
  load(cache);
  const before = readdirSync(cache).sort();
  writeFileSync(path.join(sources, "lazy.ts"), "export const value: number = 43;\n");
  expect(load(cache)).toMatchObject({ value: 43, esbuild: true });
  const after = readdirSync(cache).sort();
  expect(after).toHaveLength(3);
  expect(after.filter((f) => !before.includes(f))).toHaveLength(1);
  expect(load(cache)).toMatchObject({ value: 43, esbuild: false });
});

test("a cache that cannot be written still runs the code (compiled in memory)", () => {
  const blocked = path.join(work, "a-file");
  writeFileSync(blocked, "");
  expect(load(path.join(blocked, "cache"))).toMatchObject({ value: 42, code: 3, esbuild: true });
  expect(load(null)).toMatchObject({ value: 42, code: 3, esbuild: true });
});
