import { checkSourceUrl } from "../../../runtime/lib/backup/runBackup";
import { compressionFor, describeToolExit, parseToolVersion, pgDumpArgs } from "../../../runtime/lib/backup/pgDump";
import { StderrTail } from "../../../runtime/lib/postgres/processes";
import { dumpMismatch } from "../../../runtime/lib/restore/download";
import { conninfoValue, pgRestoreArgs } from "../../../runtime/lib/restore/pgRestore";
import { BackupManifest } from "../../../runtime/lib/backup/manifest";

test.each([
  [15, { arg: "1", label: "gzip:1" }],
  [14, { arg: "1", label: "gzip:1" }],
  [16, { arg: "zstd:1", label: "zstd:1" }],
  [17, { arg: "zstd:1", label: "zstd:1" }],
])("compressionFor(pg_dump %i)", (major, expected) => {
  expect(compressionFor(major)).toEqual(expected);
});

test("pg_dump argv: custom format, the snapshot, never the marker schema, no prompt, and no connection secrets", () => {
  expect(pgDumpArgs("00000003-0000005B-1", "zstd:3")).toEqual([
    "--format=custom",
    "--compress=zstd:3",
    "--snapshot=00000003-0000005B-1",
    "--exclude-schema=bloom_dr",
    "--no-password",
  ]);
});

test.each([
  ["pg_dump (PostgreSQL) 15.18 (Ubuntu 15.18-1.pgdg22.04+1)\n", "15.18"],
  ["pg_restore (PostgreSQL) 17.2\n", "17.2"],
  ["pg_dump (PostgreSQL) 16beta1", "16beta1"],
])("parseToolVersion(%j)", (text, version) => {
  expect(parseToolVersion(text)).toBe(version);
});

test.each<[string, number | null, NodeJS.Signals | null, string]>([
  [
    "pg_dump: error: query failed: ERROR:  could not import the requested snapshot\nDETAIL:  The source process with PID 7 is not running anymore.\npg_dump: detail: Query was: SET TRANSACTION SNAPSHOT 'x'\n",
    1,
    null,
    "pg_dump exited with code 1: pg_dump: error: query failed: ERROR:  could not import the requested snapshot DETAIL:  The source process with PID 7 is not running anymore.",
  ],
  ["", null, "SIGKILL", "pg_dump was killed by SIGKILL"],
  [
    "pg_dump: error: connection failed: password=hunter22 wrong\n",
    1,
    null,
    "pg_dump exited with code 1: pg_dump: error: connection failed: password=*** wrong",
  ],
  ["some warning\nlast words\n", 2, null, "pg_dump exited with code 2: last words"],
])("describeToolExit names the error line (%#)", (stderr, code, signal, expected) => {
  const tail = new StderrTail();
  tail.push(stderr);
  expect(describeToolExit("pg_dump", code, signal, tail, ["hunter22"])).toBe(expected);
});

test.each([
  ["postgresql://u:p@ep-a-1-pooler.us-east-2.aws.neon.tech/db", "use the direct host ep-a-1.us-east-2.aws.neon.tech"],
  ["mysql://u:p@h/db", "source database URL must start with postgresql://"],
])("checkSourceUrl(%j) refuses", (url, message) => {
  expect(() => checkSourceUrl(url)).toThrow(message);
});

test("checkSourceUrl accepts a direct Neon host", () => {
  expect(checkSourceUrl("postgresql://u:p@ep-a-1.us-east-2.aws.neon.tech/db?sslmode=require").host).toBe(
    "ep-a-1.us-east-2.aws.neon.tech",
  );
});

test.each([
  [
    { database: "bloom", jobs: 4, file: "/tmp/x.dump" },
    [
      "--dbname=dbname='bloom'",
      "--jobs=4",
      "--no-owner",
      "--no-acl",
      "--exit-on-error",
      "--no-password",
      "/tmp/x.dump",
    ],
  ],
  [
    { database: "a'b\\c", jobs: 1, file: "f", keepOwnersAndAcl: true },
    ["--dbname=dbname='a\\'b\\\\c'", "--jobs=1", "--exit-on-error", "--no-password", "f"],
  ],
])("pgRestoreArgs(%j)", (options, args) => {
  expect(pgRestoreArgs(options)).toEqual(args);
});

test.each([0, -2, 1.5])("pgRestoreArgs refuses jobs %p", (jobs) => {
  expect(() => pgRestoreArgs({ database: "d", jobs, file: "f" })).toThrow(
    `jobs must be a positive integer (got ${jobs})`,
  );
});

test("conninfoValue quotes what libpq would otherwise parse", () => {
  expect(conninfoValue("host=evil dbname=x")).toBe("'host=evil dbname=x'");
});

test.each([
  [100, "a".repeat(64), undefined],
  [99, "a".repeat(64), "dump x.dump is 99 bytes but its manifest says 100 (truncated or replaced)"],
  [100, "b".repeat(64), "dump x.dump has sha256 bbbbbbbbbbbb… but its manifest says aaaaaaaaaaaa… (corrupt)"],
])("dumpMismatch(%i bytes)", (bytes, sha, expected) => {
  const manifest = { dump: { key: "x.dump", bytes: 100, sha256: "a".repeat(64) } } as BackupManifest;
  expect(dumpMismatch(manifest, bytes, sha)).toBe(expected);
});
