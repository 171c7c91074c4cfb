import { findPostgresBinaries, parseMajorVersion } from "../../../runtime/lib/postgres/binaries";

test.each([
  ["pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", 15],
  ["pg_restore (PostgreSQL) 17.2", 17],
  ["initdb (PostgreSQL) 9.6.24", 9],
])("parseMajorVersion(%s)", (text, major) => {
  expect(parseMajorVersion(text)).toBe(major);
});

test("finds the installed PostgreSQL programs", () => {
  const bins = findPostgresBinaries(["pg_dump", "pg_restore"]);
  expect(bins.major).toBeGreaterThanOrEqual(15);
  expect(bins.path("pg_dump")).toMatch(/pg_dump$/);
});

test("names the binary to install when the client is older than the server", () => {
  expect(() => findPostgresBinaries(["pg_dump"], { minMajor: 99 })).toThrow(
    /older than the server \(PostgreSQL 99\): install the PostgreSQL 99 client tools/,
  );
});

test("gives an install hint when no PostgreSQL is found", () => {
  expect(() =>
    findPostgresBinaries(["pg_dump"], { env: { PATH: "/nonexistent" }, debianRoot: "/nonexistent", minMajor: 1 }),
  ).toThrow(/PostgreSQL programs not found \(pg_dump\): install the PostgreSQL client/);
});
