#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step after `npm ci`): tsx compiles on load.
"use strict";
// The AWS SDK warns on Node < 22 with nine lines on stderr for every s3:// command; errors here
// are one line. Set before anything loads; an explicit setting in the environment wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
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
