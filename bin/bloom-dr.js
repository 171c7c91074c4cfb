#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step after `npm ci`): tsx compiles on load.
"use strict";
require("tsx/cjs");
const { main } = require("../runtime/cli/main.ts");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`bloom-dr: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
