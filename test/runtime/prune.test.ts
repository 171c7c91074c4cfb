import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BackupManifest, backupIdFor, LATEST_KEY, latestPointerFor } from "../../runtime/lib/backup/manifest";
import { listBackups } from "../../runtime/lib/catalog";
import { planPrune, pruneBackups } from "../../runtime/lib/prune";
import { openStore } from "../../runtime/lib/store/openStore";
import { StoredObject } from "../../runtime/lib/store/types";

const NOW = new Date("2026-11-27T12:00:00Z");
const daysAgo = (d: number, salt = "000000") => backupIdFor(new Date(NOW.getTime() - d * 86_400_000), salt);
const backup = (days: number) => ({
  id: daysAgo(days),
  finishedAt: new Date(NOW.getTime() - days * 86_400_000).toISOString(),
});
const object = (key: string, minutesAgo: number): StoredObject => ({
  key,
  size: 1,
  modified: new Date(NOW.getTime() - minutesAgo * 60_000),
});

describe("planPrune", () => {
  const five = [0, 1, 2, 3, 10].map(backup);
  test.each<[string, Parameters<typeof planPrune>[3], string | undefined, number[]]>([
    ["keep 2", { keep: 2, now: NOW }, undefined, [0, 1]],
    ["keep 1", { keep: 1, now: NOW }, undefined, [0]],
    ["keep 2, keep-days 2.5", { keep: 2, keepDays: 2.5, now: NOW }, undefined, [0, 1, 2]],
    ["keep 1, keep-days 30 keeps all", { keep: 1, keepDays: 30, now: NOW }, undefined, [0, 1, 2, 3, 10]],
    ["latest.json names an older backup: it stays too", { keep: 1, now: NOW }, daysAgo(3), [0, 3]],
    ["keep more than exist", { keep: 9, now: NOW }, undefined, [0, 1, 2, 3, 10]],
  ])("%s", (_name, options, latest, keptDays) => {
    const plan = planPrune(five, [], latest ?? daysAgo(0), options);
    expect(plan.keepBackups).toEqual(keptDays.map((d) => daysAgo(d)));
    expect(plan.removeBackups).toEqual([0, 1, 2, 3, 10].filter((d) => !keptDays.includes(d)).map((d) => daysAgo(d)));
  });

  test("orphan dumps and temp files older than an hour go; young ones, manifests and foreign files stay", () => {
    const objects = [
      object(`${daysAgo(0)}.dump`, 5),
      object(`${daysAgo(0)}.json`, 5),
      object(`${daysAgo(1, "aaaaaa")}.dump`, 120), // orphan, old
      object(`${daysAgo(0, "bbbbbb")}.dump`, 10), // orphan, young: maybe still running
      object(`.${daysAgo(2)}.dump.0123456789ab.partial`, 300),
      object("notes.txt", 9999),
    ];
    expect(planPrune([backup(0)], objects, daysAgo(0), { keep: 1, now: NOW }).removeOrphans).toEqual([
      `${daysAgo(1, "aaaaaa")}.dump`,
      `.${daysAgo(2)}.dump.0123456789ab.partial`,
    ]);
  });

  test.each([0, -1, 1.5])("keep %p is refused", (keep) => {
    expect(() => planPrune([], [], undefined, { keep })).toThrow(`--keep must be a whole number ≥ 1 (got ${keep})`);
  });
});

describe("pruneBackups on a directory", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-prune-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A complete backup as runBackup leaves it: dump, manifest (matching sha256 and size). */
  function writeBackup(days: number, salt = "000000"): string {
    const id = daysAgo(days, salt);
    const dump = Buffer.from(`PGDMP fake dump ${id}`);
    const finishedAt = new Date(NOW.getTime() - days * 86_400_000).toISOString();
    const manifest: BackupManifest = {
      formatVersion: 1,
      id,
      dump: {
        key: `${id}.dump`,
        sha256: createHash("sha256").update(dump).digest("hex"),
        bytes: dump.length,
        format: "custom",
        compression: "gzip:1",
      },
      source: { host: "db", port: 5432, database: "bloom", serverVersion: "15.8", serverMajor: 15 },
      pgDumpVersion: "15.8",
      startedAt: finishedAt,
      finishedAt,
      snapshotAt: finishedAt,
      tables: { "public.t": 1 },
      schemaFingerprint: "0".repeat(64),
    };
    writeFileSync(path.join(dir, `${id}.dump`), dump);
    writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(manifest));
    writeFileSync(path.join(dir, LATEST_KEY), JSON.stringify(latestPointerFor(manifest)));
    return id;
  }

  test("keeps the newest N and latest, removes the rest and old orphans; nothing points at a missing dump", async () => {
    const ids = [30, 20, 10, 2, 1].map((d) => writeBackup(d)); // latest.json ends on the 1-day-old one
    const orphan = path.join(dir, `${daysAgo(5, "cccccc")}.dump`);
    writeFileSync(orphan, "partial");
    const twoHoursBefore = new Date(NOW.getTime() - 2 * 3600_000);
    utimesSync(orphan, twoHoursBefore, twoHoursBefore);
    const result = await pruneBackups(openStore(dir), { keep: 2, now: NOW });
    expect(result.kept).toEqual([ids[4], ids[3]]);
    expect(result.removed).toEqual([ids[2], ids[1], ids[0], `${daysAgo(5, "cccccc")}.dump`]);
    expect(readdirSync(dir).sort()).toEqual(
      [`${ids[4]}.dump`, `${ids[4]}.json`, `${ids[3]}.dump`, `${ids[3]}.json`, LATEST_KEY].sort(),
    );
    expect((await listBackups(openStore(dir))).map((b) => b.id)).toEqual([ids[4], ids[3]]);
  });

  test("keep-days keeps young backups beyond N", async () => {
    const ids = [40, 3, 2, 1].map((d) => writeBackup(d));
    const result = await pruneBackups(openStore(dir), { keep: 1, keepDays: 7, now: NOW });
    expect(result.removed).toEqual([ids[0]]);
    expect(result.kept).toEqual([ids[3], ids[2], ids[1]]);
  });

  test("s3 stores are refused with the reason", async () => {
    await expect(pruneBackups(openStore("s3://vault/bloom"), { keep: 3 })).rejects.toThrow(
      "prune does not touch s3://vault/bloom: S3 backups expire through the vault's lifecycle rules and Object Lock retention",
    );
  });
});
