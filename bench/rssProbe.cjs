// Preloaded into the measured `node bin/bloom-dr.js ...` process (node --require): at exit it
// writes that process's own peak resident set size (getrusage maxrss, KiB on Linux) to
// $BENCH_RSS_FILE. Child programs (pg_dump, pg_restore) are not included: they are PostgreSQL's.
"use strict";
const fs = require("node:fs");
process.on("exit", () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
