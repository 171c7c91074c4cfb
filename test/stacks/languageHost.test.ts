/**
 * `pulumi up` loads index.ts through @pulumi/pulumi's vendored ts-node with type checking.
 * This runs that same loader (no Pulumi CLI needed) for both shipped stack configs, so a
 * program that type-checks under `tsc` but not under the language host is caught here.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const script = path.join(__dirname, "languageHostRun.js");

test("the language host's ts-node type-checks and loads index.ts for the prod and dr stacks", () => {
  const run = spawnSync(process.execPath, [script, "prod", "dr"], {
    encoding: "utf8",
    timeout: 110_000,
    // ts-node 7 caches per file: a changed dependency could hide a type error in an unchanged file.
    env: { ...process.env, TS_NODE_CACHE: "false" },
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const lines = run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { stack: string; outputs: string[] });
  expect(lines.map((line) => line.stack)).toEqual(["prod", "dr"]);
  expect(lines[0].outputs).toEqual(
    expect.arrayContaining([
      "role",
      "appDatabaseUrlSecretArn",
      "backupPrefix",
      "pooledConnectionUri",
      "vaultBucketName",
      "vaultKeyArn",
    ]),
  );
  expect(lines[1].outputs).toEqual(
    expect.arrayContaining(["role", "failoverMode", "restoreSourceBucketName", "sev1TopicArn"]),
  );
});
