import { readFileSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { readServingMarker } from "../../../runtime/lib/promote/marker";
import { PromoteOptions, runPromote } from "../../../runtime/lib/promote/runPromote";
import { readRestoreRecord, RestoreRecord } from "../../../runtime/lib/promote/standbyState";
import { runStandbyRestore } from "../../../runtime/lib/restore/standbyRestore";
import { query, tableDigests } from "../../support/postgres";
import { APP_PASSWORD, PromoteWorld, startPromoteWorld } from "./support";

/**
 * Refusals leave the target exactly as it was: the standby keeps its older restore and the restore
 * job's record, no app role is created, no marker is written.
 */
let world: PromoteWorld;
let older: BackupManifest;
let newest: BackupManifest;
let standby: string;
let record: RestoreRecord;
let digests: Record<string, string>;

async function recordOf(url: string): Promise<{ record?: RestoreRecord; serving: boolean }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return { record: await readRestoreRecord(client), serving: (await readServingMarker(client)) !== undefined };
  } finally {
    await client.end();
  }
}

async function expectUntouched(): Promise<void> {
  expect(await tableDigests(standby)).toEqual(digests);
  expect(await recordOf(standby)).toEqual({ record, serving: false });
  expect(await query(world.cluster.url(), "SELECT rolname FROM pg_roles WHERE rolname = 'bloom_app'")).toEqual([]);
}

function promote(extra: Partial<PromoteOptions> = {}) {
  return runPromote({
    store: world.store,
    targetUrl: standby,
    appPassword: APP_PASSWORD,
    now: world.after(newest, 1),
    ...extra,
  });
}

const dumpFile = (manifest: BackupManifest) => path.join(world.dir, "store", manifest.dump.key);

beforeAll(async () => {
  world = await startPromoteWorld("promote-refusals");
  older = await world.backup("older");
  standby = await world.database("standby");
  ({ record } = await runStandbyRestore({ store: world.store, targetUrl: standby }));
  await query(world.sourceUrl, "DELETE FROM payments WHERE id IN (SELECT id FROM payments ORDER BY id LIMIT 3)");
  newest = await world.backup("newest");
  digests = await tableDigests(standby);
});
afterAll(() => world?.destroy());

const previousHint = () =>
  `the previous complete backup is ${older.id} \\(snapshot ${older.snapshotAt.replace(/\./g, "\\.")}\\): promote it with bloom-dr promote --backup ${older.id} \\(same --store and --target\\)$`;

test("a corrupt newest backup (same size, other bytes) is refused before the target is touched, naming the previous one", async () => {
  const file = dumpFile(newest);
  const original = readFileSync(file);
  const corrupt = Buffer.from(original);
  corrupt[Math.floor(corrupt.length / 2)] ^= 0xff;
  writeFileSync(file, corrupt);
  try {
    await expect(promote()).rejects.toThrow(
      new RegExp(
        `^refusing to promote backup ${newest.id}: dump ${newest.dump.key} has sha256 [0-9a-f]{12}… but its manifest says ${newest.dump.sha256.slice(0, 12)}… \\(corrupt\\); 127\\.0\\.0\\.1:\\d+/standby was not touched: ${previousHint()}`,
      ),
    );
    await expectUntouched();
  } finally {
    writeFileSync(file, original);
  }
});

test("a truncated newest backup is refused the same way", async () => {
  const file = dumpFile(newest);
  const original = readFileSync(file);
  truncateSync(file, original.length - 100);
  try {
    await expect(promote()).rejects.toThrow(
      new RegExp(
        `^refusing to promote backup ${newest.id}: dump ${newest.dump.key} is ${original.length - 100} bytes but its manifest says ${original.length} \\(truncated or replaced\\); 127\\.0\\.0\\.1:\\d+/standby was not touched: ${previousHint()}`,
      ),
    );
    await expectUntouched();
  } finally {
    writeFileSync(file, original);
  }
});

test("a newest backup whose dump is missing is refused the same way", async () => {
  const file = dumpFile(newest);
  renameSync(file, `${file}.away`);
  try {
    await expect(promote()).rejects.toThrow(
      new RegExp(
        `^refusing to promote backup ${newest.id}: its dump ${newest.dump.key} is missing; 127\\.0\\.0\\.1:\\d+/standby was not touched: ${previousHint()}`,
      ),
    );
    await expectUntouched();
  } finally {
    renameSync(`${file}.away`, file);
  }
});

test("a stale newest backup is refused, saying how old it is and how to accept it", async () => {
  await expect(promote({ now: world.after(newest, 30) })).rejects.toThrow(
    new RegExp(
      `^refusing to promote backup ${newest.id}: its snapshot \\(${newest.snapshotAt.replace(/\./g, "\\.")}\\) is 30\\.0 h old, over the 26 h limit, so the app would lose everything written since; 127\\.0\\.0\\.1:\\d+/standby was not touched: take a fresh backup if the primary is reachable, or accept this one on purpose \\(pass --allow-stale\\)$`,
    ),
  );
  await expectUntouched();
  await expect(promote({ now: world.after(newest, 3), maxAgeHours: 2 })).rejects.toThrow(
    /is 3\.0 h old, over the 2 h limit/,
  );
  await expectUntouched();
});

test.each([
  [
    "a role name that is not a plain identifier",
    { appRole: "Bloom-App" },
    /^app role "Bloom-App" is not usable: give a lower-case name/,
  ],
  ["a reserved role name", { appRole: "pg_monitor" }, /^app role "pg_monitor" is not usable/],
  ["a short password", { appPassword: "short" }, /^the app role's password is shorter than 12 characters/],
  [
    "a password outside printable ASCII",
    { appPassword: "contraseña-larga-123" },
    /contains characters outside printable ASCII/,
  ],
  [
    "the master as the app role",
    { appRole: "dr_master" },
    /^refusing to promote 127\.0\.0\.1:\d+\/standby: app role dr_master is the role promote connects as: the app must not connect as the master; choose another app role; nothing was changed$/,
  ],
  [
    "a backup id that does not exist",
    { backup: "20200101T000000000Z-abcdef" },
    /manifest 20200101T000000000Z-abcdef\.json not found/,
  ],
])("%s is refused and nothing changes", async (_what, extra, message) => {
  const error = await promote(extra as Partial<PromoteOptions>).catch((e: Error) => e);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain(APP_PASSWORD);
  expect((error as Error).message).not.toContain("\n");
  await expectUntouched();
});

test("an existing app role that is more than a login role is refused before anything is touched", async () => {
  await query(
    world.cluster.url(),
    "CREATE ROLE powerful_app LOGIN CREATEDB; CREATE ROLE owner_like CREATEROLE; CREATE ROLE member_app LOGIN IN ROLE owner_like",
  );
  await expect(promote({ appRole: "member_app" })).rejects.toThrow(
    /^refusing to promote 127\.0\.0\.1:\d+\/standby: app role member_app is a member of owner_like, which can create roles or databases or more: revoke that membership or choose another app role; nothing was changed$/,
  );
  await expectUntouched();
  expect(await query(world.cluster.url(), "SELECT rolname FROM pg_roles WHERE rolname LIKE '%app' ORDER BY 1")).toEqual(
    [{ rolname: "member_app" }, { rolname: "powerful_app" }],
  );
  const superApp = await query(world.cluster.url(), "CREATE ROLE super_app LOGIN SUPERUSER").then(() => "super_app");
  await expect(promote({ appRole: superApp })).rejects.toThrow(
    /^refusing to promote 127\.0\.0\.1:\d+\/standby: app role super_app exists with SUPER: the app must not hold them; remove them \(as a superuser\) or choose another app role; nothing was changed$/,
  );
  await expectUntouched();
});

test("--allow-stale accepts a stale backup on purpose, and the RPO says how old it was", async () => {
  const result = await promote({ now: world.after(newest, 30), allowStale: true });
  expect(result.outcome).toMatchObject({ path: "restored", backupId: newest.id, rpoSeconds: 30 * 3600 });
  expect(await tableDigests(standby)).toEqual(await tableDigests(world.sourceUrl));
});
