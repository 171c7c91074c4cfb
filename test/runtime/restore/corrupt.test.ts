import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BackupManifest, LATEST_KEY } from "../../../runtime/lib/backup/manifest";
import { runBackup } from "../../../runtime/lib/backup/runBackup";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { runRestore } from "../../../runtime/lib/restore/runRestore";
import { openStore } from "../../../runtime/lib/store/openStore";
import { createDatabase, query, startTestCluster, tableDigests } from "../../support/postgres";
import { createFixtureDatabase } from "./fixture";

let cluster: LocalCluster;
let dir: string;
let tempDir: string;
let targetUrl: string;
let targetDigests: Record<string, string>;
let good: BackupManifest;
let goodDir: BackupManifest;

beforeAll(async () => {
  cluster = await startTestCluster("corrupt");
  const sourceUrl = await createDatabase(cluster, "source");
  await createFixtureDatabase(sourceUrl);
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-corrupt-"));
  tempDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-corrupt-tmp-"));
  good = (await runBackup({ dbUrl: sourceUrl, store: openStore(path.join(dir, "good")) })).manifest;
  goodDir = (
    await runBackup({ dbUrl: sourceUrl, store: openStore(path.join(dir, "good-directory")), format: "directory" })
  ).manifest;
  // A non-empty target restored with clean: any refusal must leave its own data in place.
  targetUrl = await createDatabase(cluster, "target");
  await query(
    targetUrl,
    "CREATE TABLE precious (id int PRIMARY KEY, note text); INSERT INTO precious SELECT i, md5(i::text) FROM generate_series(1, 25) i",
  );
  targetDigests = await tableDigests(targetUrl);
});
afterAll(async () => {
  await cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
  rmSync(tempDir, { recursive: true, force: true });
});

/** A copy of the good store (or of the good directory-form store) with one thing damaged. */
function damagedStore(name: string, damage: (storeDir: string) => void, from = "good"): string {
  const storeDir = path.join(dir, name);
  rmSync(storeDir, { recursive: true, force: true });
  cpSync(path.join(dir, from), storeDir, { recursive: true });
  damage(storeDir);
  return storeDir;
}

const dumpFile = (d: string) => path.join(d, good.dump.key);
const manifestFile = (d: string) => path.join(d, `${good.id}.json`);
const editManifest = (d: string, edit: (m: Record<string, any>) => void) => {
  const m = JSON.parse(readFileSync(manifestFile(d), "utf8"));
  edit(m);
  writeFileSync(manifestFile(d), JSON.stringify(m));
};

test.each<[string, (d: string) => void, RegExp]>([
  [
    "one flipped byte",
    (d) => {
      const bytes = readFileSync(dumpFile(d));
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(dumpFile(d), bytes);
    },
    /^refusing to restore backup \S+: dump \S+\.dump has sha256 [0-9a-f]{12}… but its manifest says [0-9a-f]{12}… \(corrupt\); the target was not touched/,
  ],
  [
    "a truncated dump",
    (d) => writeFileSync(dumpFile(d), readFileSync(dumpFile(d)).subarray(0, 5000)),
    /^refusing to restore backup \S+: dump \S+\.dump is 5000 bytes but its manifest says \d+ \(truncated or replaced\); the target was not touched/,
  ],
  [
    "a wrong size in the manifest",
    (d) => editManifest(d, (m) => (m.dump.bytes += 1)),
    /is \d+ bytes but its manifest says \d+ \(truncated or replaced\); the target was not touched/,
  ],
  [
    "a missing manifest",
    (d) => rmSync(manifestFile(d)),
    /^manifest \S+\.json not found in file:\S+: backup \S+ is missing or incomplete; list complete backups with bloom-dr backups --store/,
  ],
  [
    "a manifest that is not JSON",
    (d) => writeFileSync(manifestFile(d), '{"formatVersion": 1, "id": '),
    /^manifest file:\S+\.json is not valid JSON: the backup cannot be trusted; restore another backup/,
  ],
  [
    "a manifest without a checksum",
    (d) => editManifest(d, (m) => delete m.dump.sha256),
    /^manifest file:\S+\.json is malformed at dump\.sha256: .*; restore another backup/,
  ],
  [
    "a missing dump",
    (d) => rmSync(dumpFile(d)),
    /^refusing to restore backup \S+: dump \S+\.dump is missing from file:\S+; the target was not touched: restore another backup$/,
  ],
  [
    "a malformed latest.json",
    (d) => writeFileSync(path.join(d, LATEST_KEY), "[]"),
    /latest\.json is malformed \(no valid backup id\): pass an explicit --backup ID/,
  ],
])("%s is refused before the target is touched", async (name, damage, message) => {
  const storeDir = damagedStore(name.replace(/\W+/g, "-"), damage);
  await expect(
    runRestore({ store: openStore(storeDir), backup: "latest", targetUrl, clean: true, tempDir }),
  ).rejects.toThrow(message);
  expect(await tableDigests(targetUrl)).toEqual(targetDigests);
  expect(readdirSync(tempDir)).toEqual([]);
});

/** The largest data file of the directory-form backup (a table's rows), and its path in a store copy. */
const bigFile = () =>
  Object.entries((goodDir.dump as { files: Record<string, { bytes: number }> }).files)
    .filter(([name]) => name !== "toc.dat")
    .sort(([, a], [, b]) => b.bytes - a.bytes)[0][0];
const inDir = (d: string, name: string) => path.join(d, goodDir.id, name);
const editDirManifest = (d: string, edit: (m: Record<string, any>) => void) => {
  const file = path.join(d, `${goodDir.id}.json`);
  const m = JSON.parse(readFileSync(file, "utf8"));
  edit(m);
  writeFileSync(file, JSON.stringify(m));
};

test.each<[string, (d: string) => void, RegExp]>([
  [
    "one flipped byte in a table's file",
    (d) => {
      const bytes = readFileSync(inDir(d, bigFile()));
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(inDir(d, bigFile()), bytes);
    },
    /^refusing to restore backup \S+: dump \S+\/\d+\.dat\.gz has sha256 [0-9a-f]{12}… but its manifest says [0-9a-f]{12}… \(corrupt\); the target was not touched/,
  ],
  [
    "a truncated toc.dat",
    (d) => writeFileSync(inDir(d, "toc.dat"), readFileSync(inDir(d, "toc.dat")).subarray(0, 100)),
    /^refusing to restore backup \S+: dump \S+\/toc\.dat is 100 bytes but its manifest says \d+ \(truncated or replaced\)/,
  ],
  [
    "a missing table file",
    (d) => rmSync(inDir(d, bigFile())),
    /^refusing to restore backup \S+: dump \S+\/\d+\.dat\.gz is missing from file:\S+; the target was not touched/,
  ],
  [
    "a file the manifest does not list, swapped in for one it does",
    (d) => {
      const [a, b] = Object.keys((goodDir.dump as { files: object }).files).filter((n) => n !== "toc.dat");
      const first = readFileSync(inDir(d, a));
      writeFileSync(inDir(d, a), readFileSync(inDir(d, b)));
      writeFileSync(inDir(d, b), first);
    },
    /^refusing to restore backup \S+: dump \S+ is \d+ bytes but its manifest says \d+|has sha256/,
  ],
  [
    "a manifest whose file list was edited",
    (d) => editDirManifest(d, (m) => (m.dump.files["toc.dat"].bytes += 1)),
    /^manifest file:\S+\.json says dump\.bytes \d+ but its files add up to \d+; restore another backup$/,
  ],
])("directory form: %s is refused before the target is touched", async (name, damage, message) => {
  const storeDir = damagedStore(`directory-${name.replace(/\W+/g, "-")}`, damage, "good-directory");
  await expect(
    runRestore({ store: openStore(storeDir), backup: "latest", targetUrl, clean: true, tempDir }),
  ).rejects.toThrow(message);
  expect(await tableDigests(targetUrl)).toEqual(targetDigests);
  expect(readdirSync(tempDir)).toEqual([]);
});

test("an empty store: no latest.json, a clear message", async () => {
  await expect(
    runRestore({ store: openStore(path.join(dir, "empty")), backup: "latest", targetUrl, tempDir }),
  ).rejects.toThrow(
    /^no backups in file:\S+\/empty: latest\.json not found; run bloom-dr backup first or check --store$/,
  );
});

test("a backup id that is not one is refused", async () => {
  await expect(
    runRestore({ store: openStore(path.join(dir, "good")), backup: "../etc/passwd", targetUrl, tempDir }),
  ).rejects.toThrow(/is not a backup id \(e\.g\. 20261127T184800123Z-a1b2c3\) or "latest"/);
});

test("row counts that differ from the manifest fail validation and name the table", async () => {
  const storeDir = damagedStore("wrong-counts", (d) => editManifest(d, (m) => (m.tables["public.payments"] = 1799)));
  const emptyUrl = await createDatabase(cluster, "validate_target");
  const error = await runRestore({ store: openStore(storeDir), backup: "latest", targetUrl: emptyUrl, tempDir }).catch(
    (e) => e,
  );
  expect(error.message).toMatch(
    /^restore of backup \S+ into 127\.0\.0\.1:\d+\/validate_target does not match its manifest: public\.payments has 1800 rows, expected 1799$/,
  );
  expect(error.tables["public.clients"]).toEqual({ expected: 600, actual: 600 });
  expect(readdirSync(tempDir)).toEqual([]);
});

test("a pooled target URL is refused", async () => {
  await expect(
    runRestore({
      store: openStore(path.join(dir, "good")),
      backup: "latest",
      targetUrl: "postgresql://u:pw@ep-a-1-pooler.eu-central-1.aws.neon.tech/db",
    }),
  ).rejects.toThrow("use the direct host ep-a-1.eu-central-1.aws.neon.tech");
});

test("bad target credentials: one line, no password", async () => {
  const wrong = targetUrl.replace(encodeURIComponent(cluster.password), "Bad-Secret-987");
  const error = await runRestore({
    store: openStore(path.join(dir, "good")),
    backup: "latest",
    targetUrl: wrong,
    tempDir,
  }).catch((e) => e);
  expect(error.message).toMatch(
    /^cannot connect to the target database 127\.0\.0\.1:\d+\/target: password authentication failed/,
  );
  expect(error.message).not.toContain("Bad-Secret-987");
});
