import {
  BackupManifest,
  backupIdFor,
  backupIdTime,
  isBackupId,
  latestPointerFor,
  parseLatestPointer,
  parseManifest,
} from "../../../runtime/lib/backup/manifest";

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
    ["wrong format version", (m) => (m.formatVersion = 2), "at formatVersion"],
    ["short sha256", (m) => (m.dump.sha256 = "abc"), "at dump.sha256: expected 64 lowercase hex digits"],
    ["negative size", (m) => (m.dump.bytes = -1), "at dump.bytes"],
    ["fractional row count", (m) => (m.tables["public.clients"] = 1.5), "at tables.public.clients"],
    ["bad time", (m) => (m.snapshotAt = "yesterday"), "at snapshotAt: expected an ISO-8601 time"],
    ["bad id", (m) => (m.id = "x/../y"), "at id: expected a backup id"],
    ["missing fingerprint", (m) => delete m.schemaFingerprint, "at schemaFingerprint"],
    ["not an object", (m) => Object.keys(m).forEach((k) => delete m[k]), "at formatVersion"],
  ])("refuses %s", (_name, edit, where) => {
    const m = JSON.parse(JSON.stringify(valid));
    edit(m);
    expect(() => parseManifest(JSON.stringify(m), "file:///b/x.json")).toThrow(
      `manifest file:///b/x.json is malformed ${where}`,
    );
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
