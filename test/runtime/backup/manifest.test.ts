import { createHash } from "node:crypto";
import {
  BackupManifest,
  backupIdFor,
  backupIdTime,
  countsTablesAlone,
  directoryDigest,
  dumpObjects,
  isBackupId,
  latestPointerFor,
  parseLatestPointer,
  parseManifest,
  partitionedTotals,
  sha256sumListing,
} from "../../../runtime/lib/backup/manifest";

/** A format-1 manifest as bloom-dr wrote them before format 2: it must stay readable. */
const valid: BackupManifest = {
  formatVersion: 1,
  id: "20261127T184800123Z-a1b2c3",
  label: "before migration",
  dump: {
    key: "20261127T184800123Z-a1b2c3.dump",
    sha256: "a".repeat(64),
    bytes: 1234,
    format: "custom",
    compression: "zstd:3",
  },
  source: { host: "ep-x.neon.tech", port: 5432, database: "bloom", serverVersion: "17.2", serverMajor: 17 },
  pgDumpVersion: "17.2",
  startedAt: "2026-11-27T18:48:00.123Z",
  finishedAt: "2026-11-27T18:49:00.000Z",
  snapshotAt: "2026-11-27T18:48:00.500Z",
  tables: { "public.clients": 600, "audit.events": 0 },
  schemaFingerprint: "b".repeat(64),
};

describe("backup ids", () => {
  test.each([
    [new Date("2026-11-27T18:48:00.123Z"), "a1b2c3", "20261127T184800123Z-a1b2c3"],
    [new Date("2027-01-02T03:04:05.006Z"), "000000", "20270102T030405006Z-000000"],
  ])("backupIdFor(%s, %s)", (date, random, id) => {
    expect(backupIdFor(date, random)).toBe(id);
    expect(backupIdTime(id)).toEqual(date);
  });

  test("ids sort by time as strings and are safe as file names and keys", () => {
    const dates = [
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00.001Z",
      "2026-10-01T00:00:00Z",
      "2027-01-01T00:00:00Z",
    ].map((d) => new Date(d));
    const ids = dates.map((d) => backupIdFor(d));
    expect([...ids].reverse().sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9TZa-f-]+$/);
    expect(backupIdFor(dates[0])).not.toBe(backupIdFor(dates[0])); // random suffix
  });

  test.each([
    "latest",
    "20261127T184800123Z",
    "20261127T184800123Z-A1B2C3",
    "../20261127T184800123Z-a1b2c3",
    "20261327T184800123Z-a1b2c3",
  ])("%j is not a backup id", (id) => expect(isBackupId(id)).toBe(false));

  test("invalid inputs", () => {
    expect(() => backupIdFor(new Date("nope"))).toThrow("backupIdFor needs a valid date");
    expect(() => backupIdFor(new Date(), "xyz")).toThrow('backup id suffix must be 6 hex digits (got "xyz")');
  });
});

describe("parseManifest", () => {
  test("accepts a valid manifest unchanged", () => {
    expect(parseManifest(JSON.stringify(valid), "s3://v/p/x.json")).toEqual(valid);
  });

  test.each<[string, (m: any) => void, string]>([
    ["format 2 without partitions", (m) => (m.formatVersion = 2), "at partitions"],
    [
      "a format newer than this release",
      (m) => (m.formatVersion = 3),
      "at formatVersion: expected 1 or 2, received 3 (format 3 is newer than this bloom-dr reads: upgrade bloom-dr)",
    ],
    ["short sha256", (m) => (m.dump.sha256 = "abc"), "at dump.sha256: expected 64 lowercase hex digits"],
    ["negative size", (m) => (m.dump.bytes = -1), "at dump.bytes"],
    ["fractional row count", (m) => (m.tables["public.clients"] = 1.5), "at tables.public.clients"],
    ["bad time", (m) => (m.snapshotAt = "yesterday"), "at snapshotAt: expected an ISO-8601 time"],
    ["bad id", (m) => (m.id = "x/../y"), "at id: expected a backup id"],
    ["missing fingerprint", (m) => delete m.schemaFingerprint, "at schemaFingerprint"],
    [
      "not an object",
      (m) => Object.keys(m).forEach((k) => delete m[k]),
      "at formatVersion: expected 1 or 2, received nothing",
    ],
    ["a label that is not text", (m) => (m.label = 7), "at label: expected a string, received number"],
    ["port 0", (m) => (m.source.port = 0), "at source.port: expected a positive integer, received 0"],
    ["no source", (m) => delete m.source, "at source: expected an object, received undefined"],
    ["an empty compression", (m) => (m.dump.compression = ""), "at dump.compression: expected a non-empty string"],
    [
      "a row count as text",
      (m) => (m.tables["audit.events"] = "0"),
      "at tables.audit.events: expected an integer, received string",
    ],
  ])("refuses %s", (_name, edit, where) => {
    const m = JSON.parse(JSON.stringify(valid));
    edit(m);
    expect(() => parseManifest(JSON.stringify(m), "file:///b/x.json")).toThrow(
      `manifest file:///b/x.json is malformed ${where}`,
    );
  });

  test("fields it does not know are dropped, not trusted", () => {
    const parsed = parseManifest(JSON.stringify({ ...valid, extra: "x", dump: { ...valid.dump, more: 1 } }), "m.json");
    expect(parsed).toEqual(valid);
  });

  test("refuses a dump key that is not the backup's own", () => {
    const m = { ...valid, dump: { ...valid.dump, key: "20200101T000000000Z-000000.dump" } };
    expect(() => parseManifest(JSON.stringify(m), "m.json")).toThrow(
      "manifest m.json names dump 20200101T000000000Z-000000.dump but backup 20261127T184800123Z-a1b2c3 must be",
    );
  });

  test("refuses text that is not JSON, in one line", () => {
    expect(() => parseManifest("{", "m.json")).toThrow(
      /^manifest m\.json is not valid JSON: the backup cannot be trusted; restore another backup \(bloom-dr backups\)$/,
    );
  });
});

const ID = "20261127T184800123Z-a1b2c3";
const file = (text: string) => ({ bytes: text.length, sha256: createHash("sha256").update(text).digest("hex") });
const FILES = { "toc.dat": file("toc"), "3414.dat.gz": file("reservations"), "3416.dat.gz": file("") };

/** Format 2, directory form, with a partitioned table (two leaves, one of them empty, one sub-partitioned). */
const directory: BackupManifest = {
  ...valid,
  formatVersion: 2,
  dump: {
    key: ID,
    sha256: directoryDigest(FILES),
    bytes: 15,
    format: "directory",
    compression: "gzip:1",
    jobs: 2,
    files: FILES,
  },
  tables: { "public.clients": 600, "public.payments_2026_01": 40, "public.payments_2026_02": 0, "public.p_x_a": 2 },
  partitions: {
    "public.payments": ["public.p_x_a", "public.payments_2026_01", "public.payments_2026_02"],
    "public.p_x": ["public.p_x_a"],
    "public.no_partitions_yet": [],
  },
};

describe("format 2", () => {
  test("a directory manifest parses unchanged; its objects are the files under <id>/", () => {
    expect(parseManifest(JSON.stringify(directory), "m.json")).toEqual(directory);
    expect(dumpObjects(directory)).toEqual([
      { key: `${ID}/toc.dat`, ...FILES["toc.dat"] },
      { key: `${ID}/3414.dat.gz`, ...FILES["3414.dat.gz"] },
      { key: `${ID}/3416.dat.gz`, ...FILES["3416.dat.gz"] },
    ]);
    expect(dumpObjects(valid)).toEqual([{ key: `${ID}.dump`, bytes: 1234, sha256: "a".repeat(64) }]);
  });

  test("the directory digest is the sha256 of the files' sha256sum listing, names in byte order", () => {
    expect(sha256sumListing(FILES)).toBe(
      `${FILES["3414.dat.gz"].sha256}  3414.dat.gz\n${FILES["3416.dat.gz"].sha256}  3416.dat.gz\n${FILES["toc.dat"].sha256}  toc.dat\n`,
    );
    expect(directoryDigest(FILES)).toBe(createHash("sha256").update(sha256sumListing(FILES)).digest("hex"));
  });

  test("row counts: format 2 counts each table alone and derives the partitioned totals", () => {
    expect(countsTablesAlone(directory)).toBe(true);
    expect(countsTablesAlone(valid)).toBe(false);
    expect(partitionedTotals(directory)).toEqual({
      "public.payments": 42,
      "public.p_x": 2,
      "public.no_partitions_yet": 0,
    });
    expect(partitionedTotals(valid)).toEqual({});
  });

  test.each<[string, (m: any) => void, string]>([
    [
      "a dump size that is not the files' sum",
      (m) => (m.dump.bytes = 16),
      "says dump.bytes 16 but its files add up to 15",
    ],
    ["a digest that is not the files'", (m) => (m.dump.sha256 = "c".repeat(64)), "but its files' digest differs"],
    ["no toc.dat", (m) => delete m.dump.files["toc.dat"], "malformed at dump.files: expected toc.dat among the files"],
    ["a file name with a path", (m) => (m.dump.files["../x"] = file("x")), "malformed at dump.files"],
    ["a directory key that is not the id", (m) => (m.dump.key = `${ID}.dump`), `must be ${ID}`],
    ["no jobs", (m) => delete m.dump.jobs, "malformed at dump.jobs"],
    [
      "partitions that are not lists",
      (m) => (m.partitions["public.p_x"] = "public.p_x_a"),
      "malformed at partitions.public.p_x: expected an array, received string",
    ],
    [
      "a file without its sha256",
      (m) => delete m.dump.files["toc.dat"].sha256,
      "malformed at dump.files.toc.dat.sha256",
    ],
    [
      "a partition without a row count",
      (m) => m.partitions["public.payments"].push("public.gone"),
      "lists partition public.gone of public.payments without a row count",
    ],
    ["a directory dump in format 1", (m) => (m.formatVersion = 1), "malformed at dump.format"],
  ])("refuses %s", (_name, edit, message) => {
    const m = JSON.parse(JSON.stringify(directory));
    edit(m);
    expect(() => parseManifest(JSON.stringify(m), "m.json")).toThrow(message);
  });

  test("a format-2 custom dump parses with its partitions", () => {
    const custom = { ...valid, formatVersion: 2 as const, partitions: {} };
    expect(parseManifest(JSON.stringify(custom), "m.json")).toEqual(custom);
  });
});

test("latest.json round trip and refusal", () => {
  const pointer = latestPointerFor(valid);
  expect(pointer).toEqual({
    formatVersion: 1,
    id: valid.id,
    manifest: `${valid.id}.json`,
    finishedAt: valid.finishedAt,
  });
  expect(parseLatestPointer(JSON.stringify(pointer), "latest.json")).toEqual(pointer);
  expect(() => parseLatestPointer('{"id":"../../etc"}', "s3://v/latest.json")).toThrow(
    "s3://v/latest.json is malformed (no valid backup id)",
  );
});
