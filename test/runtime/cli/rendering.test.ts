import { BackupManifest } from "../../../runtime/lib/backup/manifest";
import { backupJson, backupSummary, formatRate, totalRows } from "../../../runtime/cli/commands/backup";
import { backupsJson, catalogTable } from "../../../runtime/cli/commands/backups";
import { keepDaysOption, pruneSummary, splitLeftovers } from "../../../runtime/cli/commands/prune";
import { cleanNotice, restoreJson, restoreSummary } from "../../../runtime/cli/commands/restore";
import { UsageError } from "../../../runtime/cli/command";

function manifest(id: string, overrides: Partial<BackupManifest> = {}): BackupManifest {
  return {
    formatVersion: 1,
    id,
    dump: { key: `${id}.dump`, sha256: "a".repeat(64), bytes: 1536, format: "custom", compression: "gzip:1" },
    source: { host: "127.0.0.1", port: 5432, database: "bloom", serverVersion: "15.8", serverMajor: 15 },
    pgDumpVersion: "15.8",
    startedAt: "2026-11-27T19:05:12.000Z",
    finishedAt: "2026-11-27T19:05:16.123Z",
    snapshotAt: "2026-11-27T19:05:12.345Z",
    tables: { "public.clients": 600, "public.payments": 1800 },
    schemaFingerprint: "f",
    ...overrides,
  };
}

describe("formatRate", () => {
  test.each([
    [1024 * 1024, 1000, "1.0 MiB/s"],
    [1024 * 1024, 500, "2.0 MiB/s"],
    [100, 1000, "100 B/s"],
    [100, 0, "– /s"],
    [100, -5, "– /s"],
  ])("%d bytes in %d ms → %s", (bytes, ms, text) => {
    expect(formatRate(bytes, ms)).toBe(text);
  });
});

test.each([
  [{}, 0],
  [{ a: 1 }, 1],
  [{ a: 1, b: 41 }, 42],
])("totalRows(%p) = %d", (tables, n) => {
  expect(totalRows(tables)).toBe(n);
});

describe("backup output", () => {
  const result = {
    id: "20261127T190512Z-3f9a",
    manifest: manifest("20261127T190512Z-3f9a", { label: "nightly" }),
    durationMs: 2000,
  };

  test("json carries the id, size, checksum, rows and the whole manifest", () => {
    expect(backupJson(result, "file:///b")).toEqual({
      ok: true,
      command: "backup",
      store: "file:///b",
      id: "20261127T190512Z-3f9a",
      label: "nightly",
      bytes: 1536,
      sha256: "a".repeat(64),
      format: "custom",
      durationMs: 2000,
      snapshotAt: "2026-11-27T19:05:12.345Z",
      tables: { "public.clients": 600, "public.payments": 1800 },
      rows: 2400,
      manifest: result.manifest,
    });
  });

  test("human summary", () => {
    expect(backupSummary(result, "file:///b", "postgresql://u:***@h/db")).toBe(
      [
        "backup 20261127T190512Z-3f9a complete: 1.5 KiB in 2.0s (768 B/s)",
        "  source    postgresql://u:***@h/db (PostgreSQL 15.8)",
        "  store     file:///b",
        "  snapshot  2026-11-27T19:05:12.345Z (the recovery point)",
        '  contents  2 tables, 2,400 rows, label "nightly"',
      ].join("\n"),
    );
  });
});

describe("catalog", () => {
  const newest = manifest("20261127T190512Z-3f9a", { label: "nightly" });
  const older = manifest("20261126T190501Z-81c2", {
    finishedAt: "2026-11-26T19:05:05Z",
    tables: { "public.clients": 1 },
  });

  test("table: latest marked, milliseconds dropped, rows summed", () => {
    expect(catalogTable([newest, older], newest.id, "file:///b")).toBe(
      [
        "   ID                     LABEL    FINISHED              SIZE     TABLES  ROWS",
        "-  ---------------------  -------  --------------------  -------  ------  -----",
        "*  20261127T190512Z-3f9a  nightly  2026-11-27T19:05:16Z  1.5 KiB  2       2,400",
        "   20261126T190501Z-81c2           2026-11-26T19:05:05Z  1.5 KiB  1       1",
        "2 backups in file:///b; * = latest",
      ].join("\n"),
    );
  });

  test.each([
    [[], undefined, "no complete backups in file:///b"],
    [[manifest("x")], undefined, /^1 backup in file:\/\/\/b$/m],
  ])("edge cases %#", (list, latest, expected) => {
    const text = catalogTable(list as BackupManifest[], latest, "file:///b");
    if (typeof expected === "string") expect(text).toBe(expected);
    else expect(text).toMatch(expected);
  });

  test("json entries", () => {
    expect(backupsJson([newest, older], undefined, "s3://v/p")).toEqual({
      ok: true,
      command: "backups",
      store: "s3://v/p",
      latest: null,
      backups: [
        {
          id: newest.id,
          label: "nightly",
          finishedAt: newest.finishedAt,
          snapshotAt: newest.snapshotAt,
          bytes: 1536,
          tables: 2,
          rows: 2400,
          latest: false,
        },
        {
          id: older.id,
          label: null,
          finishedAt: older.finishedAt,
          snapshotAt: older.snapshotAt,
          bytes: 1536,
          tables: 1,
          rows: 1,
          latest: false,
        },
      ],
      skipped: [],
    });
  });

  test("json names the malformed manifests it skipped", () => {
    const skipped = [{ key: "20261101T000000000Z-abcdef.json", reason: "manifest … is not valid JSON" }];
    expect(backupsJson([newest], newest.id, "s3://v/p", skipped)).toMatchObject({ latest: newest.id, skipped });
  });
});

describe("restore output", () => {
  const base = {
    manifest: manifest("20261127T190512Z-3f9a"),
    phases: { connectMs: 300, downloadMs: 1100, restoreMs: 6800, validateMs: 400 },
    totalMs: 8600,
    tables: { "public.clients": { expected: 600, actual: 600 }, "public.payments": { expected: 1800, actual: 1800 } },
  };

  test("phase table without --then", () => {
    expect(restoreSummary(base, "postgresql://u:***@h/db")).toBe(
      [
        "restored 20261127T190512Z-3f9a (snapshot 2026-11-27T19:05:12.345Z) into postgresql://u:***@h/db",
        "PHASE                   TIME",
        "----------------------  -----",
        "connect + check target  300ms",
        "download + verify       1.1s",
        "restore                 6.8s",
        "validate                400ms",
        "total (RTO)             8.6s",
        "2 tables, 2,400 rows: every row count matches the manifest",
      ].join("\n"),
    );
  });

  test.each([
    [true, "schema fingerprint: matches the backup"],
    [false, "schema fingerprint: differs (not enforced)"],
  ])("the schema fingerprint comparison (matches %p) is the last summary line and in the json", (matches, line) => {
    const schema = { expected: "a".repeat(64), actual: matches ? "a".repeat(64) : "b".repeat(64), matches };
    expect(
      restoreSummary({ ...base, schema }, "t")
        .split("\n")
        .at(-1),
    ).toBe(line);
    expect(restoreJson({ ...base, schema }, "file:///b", "t", 2, false).schema).toEqual(schema);
  });

  test.each([
    [
      ["public"],
      "restore --clean: emptying postgresql://u:***@h/db: dropping schema public with everything in it (CASCADE), including objects the backup does not contain, then recreating public",
    ],
    [
      ["audit", "public"],
      "restore --clean: emptying postgresql://u:***@h/db: dropping schemas audit, public with everything in them (CASCADE), including objects the backup does not contain, then recreating public",
    ],
  ])("the --clean notice names the target and the schemas %p", (schemas, notice) => {
    expect(cleanNotice("postgresql://u:***@h/db", schemas)).toBe(notice);
  });

  test("the then row appears only with --then", () => {
    const text = restoreSummary({ ...base, phases: { ...base.phases, thenMs: 3200 }, totalMs: 11500 }, "t");
    expect(text).toMatch(/^then +3\.2s$/m);
    expect(text).toMatch(/^total \(RTO\) +11\.5s$/m);
  });

  test("json", () => {
    expect(restoreJson(base, "file:///b", "t", 2, true)).toEqual({
      ok: true,
      command: "restore",
      store: "file:///b",
      backup: "20261127T190512Z-3f9a",
      snapshotAt: "2026-11-27T19:05:12.345Z",
      target: "t",
      jobs: 2,
      clean: true,
      phases: base.phases,
      totalMs: 8600,
      tables: base.tables,
      schema: null,
    });
  });
});

describe("prune", () => {
  test.each([
    [undefined, undefined],
    ["0", 0],
    ["30", 30],
  ])("--keep-days %p → %p", (raw, days) => {
    expect(keepDaysOption(raw)).toBe(days);
  });

  test.each(["-1", "1.5", "week", ""])("--keep-days %p is a usage error", (raw) => {
    expect(() => keepDaysOption(raw)).toThrow(UsageError);
  });

  const a = "20261120T190500000Z-0a1b2c";
  const b = "20261126T190501000Z-81c2d3";
  const c = "20261127T190512000Z-3f9a4b";

  test("summary lists removed then kept", () => {
    expect(pruneSummary({ removed: [a], leftovers: [], kept: [c, b] }, "file:///b")).toBe(
      ["file:///b: removed 1 backup, kept 2 backups", `  removed  ${a}`, `  kept     ${c}`, `  kept     ${b}`].join(
        "\n",
      ),
    );
  });

  test("leftovers are counted and listed apart", () => {
    const outcome = splitLeftovers({ removed: [a, `${b}.dump`, `.${c}.dump.0123456789ab.partial`], kept: [c] });
    expect(outcome).toEqual({ removed: [a], leftovers: [`${b}.dump`, `.${c}.dump.0123456789ab.partial`], kept: [c] });
    expect(pruneSummary(outcome, "file:///b").split("\n")[0]).toBe(
      "file:///b: removed 1 backup and 2 leftover files, kept 1 backup",
    );
  });
});
