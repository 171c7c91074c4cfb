/** ts-jest in isolatedModules mode (no type-check during tests: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    // dependencies that ship only ES modules (test/support/esmToCommonJs.js says why)
    "/node_modules/commander/.+\\.js$": "<rootDir>/test/support/esmToCommonJs.js",
  },
  transformIgnorePatterns: ["/node_modules/(?!commander/)"],
  testTimeout: 120000,
  // under faketime, lets the PostgreSQL servers (another user) share faketime's clock state; and
  // one initdb'd template per kind of cluster for the whole run
  globalSetup: "<rootDir>/test/support/globalSetup.ts",
  globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
  // One test file more than the cores: a third of a file's time is spent waiting on PostgreSQL
  // and child processes (on 2 cores, 3 workers ran the suite in 216 s against 277 s with 2).
  maxWorkers: Math.min(8, require("node:os").availableParallelism() + 1),
};
