"use strict";
/**
 * Runs the CLI's TypeScript with no build step: each .ts module is compiled to CommonJS by esbuild
 * (the copy tsx ships) the first time it is loaded, and the JavaScript is kept under
 * node_modules/.cache/bloom-dr/, named after the source file and a hash of its contents. Later runs
 * read the cached file and start no compiler, so `bloom-dr --help` costs Node's start-up plus the
 * few modules the help needs (docs/cli.md, "Start-up"). Editing a source file changes its hash: the
 * next run compiles it again and removes the stale copy.
 *
 * `import("./x")` in the TypeScript becomes require(): the commands load their engine modules that
 * way, extensionless, as tsc and ts-jest compile it.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** Part of every hash: change it when the compile options below change, and everything is compiled again. */
const OPTIONS_VERSION = "1";

let esbuild;
function compile(source, filename) {
  // loaded only on a cache miss: a warm start never pays for it
  esbuild ??= Module.createRequire(require.resolve("tsx/package.json", { paths: [ROOT] }))("esbuild");
  return esbuild.transformSync(source, {
    loader: "ts",
    format: "cjs",
    platform: "node",
    target: "node22",
    sourcefile: filename,
    sourcemap: "inline",
    supported: { "dynamic-import": false },
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
  }).code;
}

/** Where a source file's compiled copy lives: its path below ROOT (or a hash of it), then the content hash. */
function cachePath(cacheDir, filename, hash) {
  const relative = path.relative(ROOT, filename);
  const name = relative.startsWith("..") || path.isAbsolute(relative) ? digest(filename) : relative;
  return path.join(cacheDir, `${name}.${hash}.js`);
}

function digest(text) {
  return crypto.createHash("sha1").update(text).digest("hex");
}

/** Writes atomically (other CLI processes may read it at the same time) and drops the stale copies. */
function store(file, code) {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, file);
  const stem = path.basename(file).replace(/\.[0-9a-f]{40}\.js$/, ".");
  for (const entry of fs.readdirSync(dir)) {
    if (
      entry.startsWith(stem) &&
      /^[0-9a-f]{40}\.js$/.test(entry.slice(stem.length)) &&
      entry !== path.basename(file)
    ) {
      fs.rmSync(path.join(dir, entry), { force: true });
    }
  }
}

/**
 * Teaches require() to load .ts files. `cacheDir: null` compiles in memory only; a cache that
 * cannot be written (read-only install) is the same as none: slower, never wrong.
 */
function register({ cacheDir = path.join(ROOT, "node_modules", ".cache", "bloom-dr") } = {}) {
  // stack traces point into the TypeScript
  process.setSourceMapsEnabled(true);
  Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    if (cacheDir === null) return module._compile(compile(source, filename), filename);
    const file = cachePath(cacheDir, filename, digest(`${OPTIONS_VERSION}\0${source}`));
    let code;
    try {
      code = fs.readFileSync(file, "utf8");
    } catch {
      code = compile(source, filename);
      try {
        store(file, code);
      } catch {
        // not writable: compiled again next time
      }
    }
    return module._compile(code, filename);
  };
}

module.exports = { register };
