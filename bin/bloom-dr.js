#!/usr/bin/env node
// Runs the TypeScript CLI straight from the checkout (no build step after `npm ci`): loadTypeScript
// compiles each module on first use and caches it under node_modules/.cache/bloom-dr.
"use strict";
require("./loadTypeScript").register();
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
