/**
 * `bloom-dr promote` (and `restore --clean` over what it made serving) end to end, as a user runs
 * it: node bin/bloom-dr.js against a real cluster, as an RDS-like master that is no superuser.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { lines, startCli } from "./runCli";

const PASSWORD = "cli-app-password-0123456789";

let cluster: LocalCluster;
let master: OwnerRole;
let sourceUrl: string;
let dir: string;
let store: string;
let backupId: string;
let backupRows: number;

function promoteCli(args: string[], env: NodeJS.ProcessEnv = { BLOOM_DR_APP_PASSWORD: PASSWORD }) {
  const base = { ...process.env };
  delete base.BLOOM_DR_APP_PASSWORD;
  return startCli(["promote", "--store", store, ...args], { ...base, ...env }).done;
}

beforeAll(async () => {
  cluster = await startTestCluster("promote-cli");
  master = await createOwnerRole(cluster, "dr_master");
  sourceUrl = await createOwnedDatabase(cluster, await createOwnerRole(cluster, "prod_owner"), "bloom");
  await generateBloomDatabase(sourceUrl, 0.01);
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-promote-cli-"));
  store = path.join(dir, "store");
  const backup = await runBackup({ dbUrl: sourceUrl, store: openStore(store) });
  backupId = backup.id;
  backupRows = Object.values(backup.manifest.tables).reduce((a, b) => a + b, 0);
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test("a missing password variable is a usage error (exit 2), one line naming it; nothing is touched", async () => {
  const target = await createOwnedDatabase(cluster, master, "no_password");
  const human = await promoteCli(["--target", target], {});
  expect(human.code).toBe(2);
  expect(lines(human.stderr)).toEqual([
    "bloom-dr promote: environment variable BLOOM_DR_APP_PASSWORD is not set: export the app role's password there (never on the command line), or name another variable with --app-password-env",
  ]);
  expect(human.stdout).toBe("");
  const json = await promoteCli(["--target", target, "--app-password-env", "BLOOM_APP_PW", "--json"], {});
  expect(json.code).toBe(2);
  expect(JSON.parse(json.stdout)).toEqual({
    ok: false,
    command: "promote",
    error:
      "environment variable BLOOM_APP_PW is not set: export the app role's password there (never on the command line), or name another variable with --app-password-env",
  });
  const short = await promoteCli(["--target", target], { BLOOM_DR_APP_PASSWORD: "short" });
  expect(short.code).toBe(2);
  expect(short.stderr).toBe(
    "bloom-dr promote: environment variable BLOOM_DR_APP_PASSWORD is shorter than 12 characters: give the app role a longer password\n",
  );
  expect(await query(target, "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'clinics'")).toEqual([{ n: 0 }]);
  expect(await query(target, "SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'bloom_app'")).toEqual([
    { n: 0 },
  ]);
});

test.each([
  [["--max-age-hours", "0"], /--max-age-hours must be a number of hours above 0 \(got "0"\)/],
  [["--app-role", "App"], /--app-role: app role "App" is not usable/],
  [["--smoke-query", " "], /--smoke-query is empty/],
  [["--app-password-env", "not a name"], /--app-password-env "not a name" is not an environment variable name/],
])("%j is a usage error", async (args, message) => {
  const run = await promoteCli(["--target", "postgresql://u:pw@127.0.0.1:1/db", ...args]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
});

test("promotes an empty database: the path, backup, RPO, phase table and the app's URL with the password masked", async () => {
  const target = await createOwnedDatabase(cluster, master, "promoted");
  const run = await promoteCli(
    ["--target", target, "--app-password-env", "APP_PW", "--smoke-query", "SELECT id FROM clinics"],
    { APP_PW: PASSWORD },
  );
  expect(run.stderr).toBe(
    `promote: restoring backup ${backupId} into 127.0.0.1:${cluster.port}/promoted: no record of a validated restore by the restore job\n`,
  );
  expect(run.code).toBe(0);
  const out = lines(run.stdout);
  expect(out[0]).toMatch(
    new RegExp(`^promoted 127\\.0\\.0\\.1:${cluster.port}/promoted: restored backup ${backupId} \\(snapshot \\S+\\)$`),
  );
  expect(out[1]).toMatch(/^RPO \S+ \(snapshot \S+, serving since \S+\)$/);
  expect(out[3]).toMatch(/^-+ +-+$/);
  expect([out[2], ...out.slice(4, 13)].map((l) => l.split(/\s{2,}/)[0])).toEqual([
    "PHASE",
    "connect + lock + checks",
    "standby check",
    "download + verify",
    "restore",
    "validate",
    "app role + ownership",
    "smoke checks as the app role",
    "serving marker",
    "total (RTO)",
  ]);
  expect(out.slice(13)).toEqual([
    `5 tables, ${backupRows.toLocaleString("en-US")} rows: every row count matches the manifest`,
    `app role bloom_app: postgresql://bloom_app:***@127.0.0.1:${cluster.port}/promoted`,
  ]);
  expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  expect(run.stdout + run.stderr).not.toContain(master.password);
  expect(await tableDigests(target)).toEqual(await tableDigests(sourceUrl));
});

test("--json: one object with the contract's fields; promote again on it: already serving, exit 0", async () => {
  const target = await createOwnedDatabase(cluster, master, "promoted_json");
  const run = await promoteCli(["--target", target, "--json"]);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result).toMatchObject({
    ok: true,
    command: "promote",
    path: "restored",
    backupId,
    appRole: "bloom_app",
    store: `file://${store}`,
    target: `postgresql://dr_master:***@127.0.0.1:${cluster.port}/promoted_json`,
    appUrl: `postgresql://bloom_app:***@127.0.0.1:${cluster.port}/promoted_json`,
    standby: "no record of a validated restore by the restore job",
  });
  expect(typeof result.rpoSeconds).toBe("number");
  expect(Object.keys(result.phases)).toEqual([
    "connectMs",
    "checkMs",
    "downloadMs",
    "restoreMs",
    "validateMs",
    "roleMs",
    "smokeMs",
    "markMs",
  ]);

  const again = await promoteCli(["--target", target, "--json"]);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({
    ok: true,
    path: "already-serving",
    backupId,
    servingSince: result.servingSince,
  });
  const human = await promoteCli(["--target", target]);
  expect(human.code).toBe(0);
  expect(lines(human.stdout)[0]).toBe(
    `127.0.0.1:${cluster.port}/promoted_json is already serving since ${result.servingSince}, from backup ${backupId}: nothing changed`,
  );
});

test("restore over a serving database: refused without --clean; --clean says so on stderr, naming the marker, before dropping", async () => {
  const target = await createOwnedDatabase(cluster, master, "replaced");
  const promoted = JSON.parse((await promoteCli(["--target", target, "--json"])).stdout);
  const masked = `postgresql://dr_master:***@127.0.0.1:${cluster.port}/replaced`;
  const refused = await startCli(["restore", "--store", store, "--backup", "latest", "--target", target]).done;
  expect(refused.code).toBe(1);
  expect(lines(refused.stderr)).toEqual([
    `bloom-dr restore: refusing to restore into 127.0.0.1:${cluster.port}/replaced: it is marked serving since ${promoted.servingSince} (from backup ${backupId}, promoted by dr_master, app role bloom_app); nothing automated restores over a serving database: to replace it on purpose, run bloom-dr restore --clean`,
  ]);

  const replaced = await startCli(["restore", "--store", store, "--backup", "latest", "--target", target, "--clean"])
    .done;
  expect(replaced.code).toBe(0);
  expect(lines(replaced.stderr)).toEqual([
    `restore --clean: ${masked} is marked serving since ${promoted.servingSince} (from backup ${backupId}, promoted by dr_master, app role bloom_app): replacing the database the app may be using, on purpose`,
    `restore --clean: emptying ${masked}: dropping schemas bloom_dr, public with everything in them (CASCADE), including objects the backup does not contain, then recreating public`,
  ]);
  expect(await query(target, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'bloom_dr'")).toEqual([
    { n: 0 },
  ]);
  // the notice stays on stderr with --json too: replacing a serving database is never silent
  await promoteCli(["--target", target]);
  const json = await startCli([
    "restore",
    "--store",
    store,
    "--backup",
    "latest",
    "--target",
    target,
    "--clean",
    "--json",
  ]).done;
  expect(json.code).toBe(0);
  expect(lines(json.stderr)).toEqual([
    expect.stringMatching(/^restore --clean: .* is marked serving since \S+ \(from backup/),
  ]);
});
