/** Matching pg_restore's items to manifest tables, and its verbose lines: pure parsing, table tests. */
import { isProgressLine, pgRestoreArgs, untranslated } from "../../../runtime/lib/restore/pgRestore";
import { finishedTableData, tableDataItems } from "../../../runtime/lib/restore/rowCounting";

const LISTING = `;
; Archive created at 2026-12-01 23:32:58 UTC
;     dbname: postgres
;
219; 1259 16418 TABLE public clients postgres
3412; 0 16424 TABLE DATA public clients postgres
3408; 0 16396 TABLE DATA public clinics postgres
3416; 0 16467 TABLE DATA public payments bloom_owner
3414; 0 16442 TABLE DATA public reservations postgres
3500; 0 17000 TABLE DATA My Schema a b postgres
3501; 0 17001 TABLE DATA My Schema a postgres
3502; 0 17002 TABLE DATA audit events postgres
3503; 0 17003 TABLE DATA public payments_2026_01 postgres
3420; 0 0 SEQUENCE SET public clients_id_seq postgres
`;

test("TABLE DATA items map to the manifest's tables by schema and name", () => {
  const items = tableDataItems(LISTING, [
    "public.clients",
    "public.clinics",
    "public.payments",
    "public.reservations",
    "audit.events",
    "public.payments_2026_01",
    "public.missing",
  ]);
  expect(Object.fromEntries(items)).toEqual({
    3412: "public.clients",
    3408: "public.clinics",
    3416: "public.payments",
    3414: "public.reservations",
    3502: "audit.events",
    3503: "public.payments_2026_01",
  });
});

test("names with spaces that two items could match are left to be counted after pg_restore", () => {
  // "My Schema a b postgres" could be table "a b" or table "a" owned by "b postgres"
  const items = tableDataItems(LISTING, ['"My Schema"."a b"', '"My Schema".a']);
  expect(items.get(3500)).toBeUndefined();
  expect(items.get(3501)).toBeUndefined();
  // alone, "a b" is unambiguous again
  expect(Object.fromEntries(tableDataItems(LISTING, ['"My Schema"."a b"']))).toEqual({ 3500: '"My Schema"."a b"' });
});

test("a manifest key that is not an identifier pair matches nothing", () => {
  expect(tableDataItems(LISTING, ["not a table"]).size).toBe(0);
});

test.each<[string, number | undefined]>([
  ["pg_restore: finished item 3416 TABLE DATA payments", 3416],
  // prefixes interleaved by the parallel workers: another process's, or none
  ["pg_restore: pg_restore: finished item 3438 TABLE DATA reservations", 3438],
  [" finished item 3440 TABLE DATA payments", 3440],
  ["pg_restore:pg_restore: finished item 3441 TABLE DATA payments", 3441],
  ["finished item 3440 TABLE DATA payments", 3440],
  ['pg_restore: creating TABLE "public.finished item 1 TABLE DATA x"', undefined],
  ["pg_restore: finished item 3255 CONSTRAINT payments payments_pkey", undefined],
  ["pg_restore: launching item 3414 TABLE DATA reservations", undefined],
  ['pg_restore: processing data for table "public.payments"', undefined],
  ['pg_restore: error: COPY failed for table "x": finished item 1 TABLE DATA x', undefined],
])("finishedTableData(%j) = %s", (line, id) => {
  expect(finishedTableData(line)).toBe(id);
});

test.each<[string, boolean]>([
  ["pg_restore: finished item 3416 TABLE DATA payments", true],
  ['pg_restore: creating TABLE "public.clients"', true],
  ["pg_restore: connecting to database for restore", true],
  ['pg_restore: error: could not execute query: ERROR:  relation "x" already exists', false],
  ["pg_restore: warning: errors ignored on restore: 1", false],
  ["pg_restore: from TOC entry 219; 1259 16418 TABLE clients postgres", false],
  ["pg_restore: while PROCESSING TOC:", false],
  ["Command was: CREATE TABLE public.x (id integer);", false],
  ["DETAIL:  Key (id)=(1) already exists.", false],
])("isProgressLine(%j) = %s", (line, progress) => {
  expect(isProgressLine(line)).toBe(progress);
});

test("pg_restore argv: --verbose only when asked, before the archive", () => {
  const base = { database: "bloom", jobs: 2, file: "/tmp/d/20261127T184800123Z-a1b2c3" };
  expect(pgRestoreArgs({ ...base, verbose: true }).slice(-2)).toEqual(["--verbose", base.file]);
  expect(pgRestoreArgs(base)).not.toContain("--verbose");
});

test("its messages are read untranslated, whatever the operator's locale", () => {
  expect(untranslated({ LANG: "es_ES.UTF-8", LC_ALL: "es_ES.UTF-8", LANGUAGE: "es", PGHOST: "h" })).toEqual({
    LANG: "es_ES.UTF-8",
    LC_ALL: "C",
    LC_MESSAGES: "C",
    LANGUAGE: "",
    PGHOST: "h",
  });
});
