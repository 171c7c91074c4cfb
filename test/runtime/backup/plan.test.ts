/** How a backup dumps (format, jobs, local-disk budget) and its compression: pure choices, table tests. */
import {
  compressionArg,
  compressionLabel,
  defaultCompression,
  parseCompression,
} from "../../../runtime/lib/backup/compression";
import { pgDumpArgs } from "../../../runtime/lib/backup/pgDump";
import {
  backupJobs,
  chooseFormat,
  defaultMaxPendingBytes,
  DIRECTORY_MIN_BYTES,
} from "../../../runtime/lib/backup/plan";
import { TargetConnections } from "../../../runtime/lib/restore/jobs";

const MiB = 1024 * 1024;
const source = (maxConnections: number, inUse: number, limits: Partial<TargetConnections> = {}): TargetConnections => ({
  maxConnections,
  reservedConnections: 3,
  inUse,
  database: { limit: -1, inUse },
  role: { limit: -1, inUse },
  ...limits,
});

test.each<[string, number, TargetConnections, number]>([
  ["the cores asked for when the source has room", 4, source(100, 1), 4],
  // 40 - 3 reserved = 37 slots, 1 in use, margin 4: room 32, minus pg_dump's leader
  ["never more than the room minus pg_dump's leader", 64, source(40, 1), 31],
  ["a crowded source leaves one job", 8, source(12, 6), 1],
  ["a full source still gets one job (its connection fails with the server's reason)", 8, source(10, 10), 1],
  ["the database's CONNECTION LIMIT counts", 8, source(100, 1, { database: { limit: 6, inUse: 1 } }), 2],
  ["the role's CONNECTION LIMIT counts", 8, source(100, 1, { role: { limit: 5, inUse: 1 } }), 1],
])("backupJobs: %s", (_name, requested, capacity, expected) => {
  expect(backupJobs(requested, capacity)).toBe(expected);
});

test("backupJobs refuses a jobs value that is not a positive integer", () => {
  expect(() => backupJobs(0, source(100, 1))).toThrow("jobs must be a positive integer (got 0)");
  expect(() => backupJobs(1.5, source(100, 1))).toThrow("jobs must be a positive integer (got 1.5)");
});

test.each<[number, number, string]>([
  [0, 4, "custom"],
  [DIRECTORY_MIN_BYTES - 1, 4, "custom"],
  [DIRECTORY_MIN_BYTES, 4, "directory"],
  [DIRECTORY_MIN_BYTES, 2, "directory"],
  [100 * 1024 * MiB, 1, "custom"],
])("chooseFormat(%i bytes, %i jobs) = %s", (bytes, jobs, format) => {
  expect(chooseFormat(bytes, jobs)).toBe(format);
});

test.each<[number, number]>([
  [0, 64 * MiB],
  [100 * MiB, 64 * MiB],
  [1024 * MiB, 256 * MiB],
  [10 * 1024 * MiB, 2048 * MiB], // Lambda's largest /tmp
  [50 * 1024 * MiB, 2048 * MiB],
])("defaultMaxPendingBytes(%i free) = %i", (free, expected) => {
  expect(defaultMaxPendingBytes(free)).toBe(expected);
});

test.each<[string, string]>([
  ["gzip:1", "gzip:1"],
  ["gzip", "gzip:6"],
  ["GZIP:9", "gzip:9"],
  ["lz4", "lz4:1"],
  ["lz4:12", "lz4:12"],
  ["zstd", "zstd:3"],
  ["zstd:19", "zstd:19"],
  ["none", "none"],
])("parseCompression(%j) is %s", (text, label) => {
  expect(compressionLabel(parseCompression(text))).toBe(label);
});

test.each<[string, string]>([
  ["brotli", '--compress "brotli" is not METHOD[:LEVEL]: use none, gzip[:1-9], lz4[:1-12] or zstd[:1-22], e.g. zstd:3'],
  ["gzip:0", "--compress gzip level must be 1 to 9 (got 0)"],
  ["gzip:10", "--compress gzip level must be 1 to 9 (got 10)"],
  ["zstd:23", "--compress zstd level must be 1 to 22 (got 23)"],
  ["lz4:13", "--compress lz4 level must be 1 to 12 (got 13)"],
  ["none:1", '--compress none takes no level (got "none:1")'],
  [
    "zstd:-1",
    '--compress "zstd:-1" is not METHOD[:LEVEL]: use none, gzip[:1-9], lz4[:1-12] or zstd[:1-22], e.g. zstd:3',
  ],
])("parseCompression(%j) is refused in one line", (text, message) => {
  expect(() => parseCompression(text)).toThrow(message);
});

const pg15 = { version: "15.18", path: "/usr/lib/postgresql/15/bin/pg_dump" };
const pg17 = { version: "17.2", path: "/opt/pg17/bin/pg_dump" };

test.each<[string, { version: string; path: string }, string]>([
  ["gzip:1", pg15, "1"],
  ["gzip:9", pg15, "9"],
  ["none", pg15, "0"],
  ["gzip:1", pg17, "gzip:1"],
  ["lz4:1", pg17, "lz4:1"],
  ["zstd:3", pg17, "zstd:3"],
  ["none", pg17, "none"],
])("compressionArg(%s) for pg_dump %j is --compress=%s", (text, pgDump, arg) => {
  expect(compressionArg(parseCompression(text), pgDump)).toBe(arg);
});

test.each(["lz4:1", "zstd:3"])("%s with pg_dump 15 is refused naming the version found", (text) => {
  expect(() => compressionArg(parseCompression(text), pg15)).toThrow(
    `--compress ${text} needs pg_dump 16 or newer, but the pg_dump found is 15.18 (/usr/lib/postgresql/15/bin/pg_dump), which compresses with gzip only: use --compress gzip:1, or install postgresql-client-17 and set BLOOM_DR_PG_BIN`,
  );
});

test("the default: gzip:1 before pg_dump 16, zstd:1 from 16 on", () => {
  expect([14, 15, 16, 17].map((major) => compressionLabel(defaultCompression(major)))).toEqual([
    "gzip:1",
    "gzip:1",
    "zstd:1",
    "zstd:1",
  ]);
});

test("pg_dump argv, directory form: jobs, compression, the snapshot, no marker schema, no fsync, no prompt, the directory", () => {
  expect(
    pgDumpArgs("00000003-0000005B-1", "1", { format: "directory", jobs: 4, directory: "/tmp/x/.id.partial" }),
  ).toEqual([
    "--format=directory",
    "--jobs=4",
    "--compress=1",
    "--snapshot=00000003-0000005B-1",
    "--exclude-schema=bloom_dr",
    "--no-sync",
    "--no-password",
    "--file=/tmp/x/.id.partial",
  ]);
  expect(() => pgDumpArgs("s", "1", { format: "directory", jobs: 0, directory: "/d" })).toThrow(
    "jobs must be a positive integer (got 0)",
  );
  expect(() => pgDumpArgs("s", "1", { format: "directory", jobs: 2 })).toThrow(
    "the directory format needs an output directory",
  );
});
