#!/usr/bin/env node
// Runs the TypeScript CLI straight from the checkout (no build step after `npm ci`): loadTypeScript
// compiles each module on first use and caches it under node_modules/.cache/bloom-dr.
"use strict";
require("./loadTypeScript").register();
// `bloom-dr … | head`: a reader that stops early is not our failure; the command still finishes
// (and cleans up) instead of dying on the next write
process.stdout.on("error", (err) => {
  if (err.code !== "EPIPE" && err.code !== "ERR_STREAM_DESTROYED") throw err;
});
const { main } = require("../runtime/cli/main");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`bloom-dr: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
