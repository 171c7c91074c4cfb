import { Client } from "pg";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { readServingMarker, ServingMarker } from "../../../runtime/lib/promote/marker";
import { runPromote } from "../../../runtime/lib/promote/runPromote";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { runStandbyRestore } from "../../../runtime/lib/restore/standbyRestore";
import { TARGET_LOCK_KEY } from "../../../runtime/lib/restore/targetLock";
import { query, tableDigests } from "../../support/postgres";
import { APP_PASSWORD, appUrl, PromoteWorld, startPromoteWorld } from "./support";

/**
 * A serving database inside the rest of the engine: nothing automated restores over it (the
 * restore job, restore without --clean, the drills' restores), only a deliberate restore --clean
 * replaces it, and backups of it never carry its marker.
 */
let world: PromoteWorld;
let backup: BackupManifest;
let serving: string;
let marker: ServingMarker;

async function servingMarkerOf(url: string): Promise<ServingMarker | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await readServingMarker(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  world = await startPromoteWorld("promote-serving");
  backup = await world.backup();
  serving = await world.database("serving");
  await runPromote({ store: world.store, targetUrl: serving, appPassword: APP_PASSWORD, now: world.after(backup, 2) });
  marker = (await servingMarkerOf(serving))!;
  await query(
    appUrl(serving),
    "INSERT INTO clinics (id, name) VALUES (880001, 'Opened during the failover'); CREATE TABLE public.app_only (id int)",
  );
});
afterAll(() => world?.destroy());

const servingRefusal = (db: string) =>
  new RegExp(
    `refusing to restore into 127\\.0\\.0\\.1:\\d+/${db}: it is marked serving since ${marker.since.replace(/\./g, "\\.")} \\(from backup ${backup.id}, promoted by dr_master, app role bloom_app\\); nothing automated restores over a serving database: to replace it on purpose, run bloom-dr restore --clean$`,
  );

test.each([
  ["a restore", false],
  ["a restore with clean (as the drills' and scripts' restores)", true],
])("%s is refused with one line naming the marker; nothing changes", async (_what, clean) => {
  const before = await tableDigests(serving);
  await expect(runRestore({ store: world.store, backup: "latest", targetUrl: serving, clean })).rejects.toThrow(
    servingRefusal("serving"),
  );
  expect(await tableDigests(serving)).toEqual(before);
  expect(await servingMarkerOf(serving)).toEqual(marker);
});

test("the scheduled restore job refuses it", async () => {
  const before = await tableDigests(serving);
  await expect(runStandbyRestore({ store: world.store, targetUrl: serving })).rejects.toThrow(
    servingRefusal("serving"),
  );
  expect(await tableDigests(serving)).toEqual(before);
  expect(await servingMarkerOf(serving)).toEqual(marker);
});

test.each(["custom", "directory"] as const)(
  "a %s backup of the serving database leaves the marker out; its restore carries the failover's writes but no marker",
  async (format) => {
    const failback = await runBackup({ dbUrl: serving, store: world.store, label: "fail-back", format, jobs: 2 });
    expect(Object.keys(failback.manifest.tables).filter((t) => t.startsWith("bloom_dr."))).toEqual([]);
    expect(Object.keys(failback.manifest.tables).sort()).toEqual(
      [...Object.keys(backup.tables), "public.app_only"].sort(),
    );
    const fresh = await world.database(`fresh_primary_${format}`);
    await runRestore({ store: world.store, backup: failback.id, targetUrl: fresh });
    expect(await tableDigests(fresh)).toEqual(await tableDigests(serving));
    expect(await query(fresh, "SELECT name FROM clinics WHERE id = 880001")).toEqual([
      { name: "Opened during the failover" },
    ]);
    expect(await query(fresh, "SELECT nspname FROM pg_namespace WHERE nspname = 'bloom_dr'")).toEqual([]);
    expect(await servingMarkerOf(fresh)).toBeUndefined();
  },
);

test("a restore that another bloom-dr run holds the lock of is refused before anything is touched", async () => {
  const target = await world.database("locked");
  const holder = new Client({ connectionString: target });
  await holder.connect();
  try {
    await holder.query("SELECT pg_advisory_lock($1::bigint)", [TARGET_LOCK_KEY]);
    await expect(runRestore({ store: world.store, backup: "latest", targetUrl: target })).rejects.toThrow(
      /^refusing to touch 127\.0\.0\.1:\d+\/locked: another bloom-dr restore, restore job or promote is working on it \(it holds the database's bloom-dr lock\); wait for it to finish, then run this again$/,
    );
    await expect(
      runPromote({ store: world.store, targetUrl: target, appPassword: APP_PASSWORD, now: world.after(backup, 2) }),
    ).rejects.toThrow(/^refusing to touch 127\.0\.0\.1:\d+\/locked: another bloom-dr/);
  } finally {
    await holder.end();
  }
  expect(
    await query(target, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('public', 'bloom_dr')"),
  ).toEqual([{ n: 1 }]);
});

test("restore --clean replaces it on purpose: the marker is named before anything is dropped, and is gone after", async () => {
  const events: string[] = [];
  const result = await runRestore({
    store: world.store,
    backup: backup.id,
    targetUrl: serving,
    clean: true,
    replaceServing: true,
    onServing: (m) => events.push(`serving since ${m.since} from ${m.backupId}`),
    onClean: (schemas) => events.push(`dropping ${schemas.join(", ")}`),
  });
  expect(events).toEqual([`serving since ${marker.since} from ${backup.id}`, "dropping audit, bloom_dr, public"]);
  expect(result.manifest.id).toBe(backup.id);
  expect(await servingMarkerOf(serving)).toBeUndefined();
  expect(await tableDigests(serving)).toEqual(await tableDigests(world.sourceUrl));
});
