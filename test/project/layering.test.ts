/**
 * Which way the planes depend on each other: the engine (runtime/lib) never reaches into the CLI
 * that drives it, and the Pulumi components reach into the handlers' folder only through the
 * contract module that holds the environment variable names (no handler code in the Pulumi program).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Every module a source names: static imports and re-exports (type-only too), import(), require(). */
function specifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]));
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : typescriptFiles(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

/** The repository paths (without extension) that `file` imports through relative specifiers. */
function localImports(file: string): string[] {
  return specifiers(readFileSync(path.join(ROOT, file), "utf8"))
    .filter((s) => s.startsWith("."))
    .map((s) =>
      path
        .relative(ROOT, path.resolve(ROOT, path.dirname(file), s))
        .split(path.sep)
        .join("/")
        .replace(/\.ts$/, ""),
    );
}

function edges(dir: string): [string, string][] {
  return typescriptFiles(dir).flatMap((file) => localImports(file).map((to): [string, string] => [file, to]));
}

test.each([
  ['import { a, b } from "./x";', ["./x"]],
  ['import {\n  a,\n  b,\n} from "../y";', ["../y"]],
  ['import type { T } from "./t";\nexport { v } from "./v";', ["./t", "./v"]],
  ['export * from "./all";', ["./all"]],
  ['import "./side-effect";', ["./side-effect"]],
  ['const m = await import("../lazy");', ["../lazy"]],
  ['const m = require("./old") as Old;', ["./old"]],
])("the scanner sees %j", (source, expected) => {
  expect(specifiers(source).sort()).toEqual([...expected].sort());
});

test("the scanner resolves the known edges (components/jobEnvironment.ts → the handlers' contract)", () => {
  expect(edges("components")).toContainEqual(["components/jobEnvironment.ts", "runtime/handlers/contract"]);
  expect(edges("runtime/lib")).toContainEqual(["runtime/lib/drills/report.ts", "runtime/lib/text/format"]);
});

test("nothing under runtime/lib imports runtime/cli", () => {
  expect(edges("runtime/lib").filter(([, to]) => to === "runtime/cli" || to.startsWith("runtime/cli/"))).toEqual([]);
});

test("components/ imports nothing from runtime/handlers/ but the contract module", () => {
  expect(
    edges("components").filter(([, to]) => to.startsWith("runtime/handlers/") && to !== "runtime/handlers/contract"),
  ).toEqual([]);
});

test("the contract module imports nothing (neither Pulumi nor handler code)", () => {
  expect(specifiers(readFileSync(path.join(ROOT, "runtime/handlers/contract.ts"), "utf8"))).toEqual([]);
});
