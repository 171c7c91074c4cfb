/** The pure rules of `bloom-dr perf`: thresholds, the columns read from query text, the SQL proposed. */
import {
  cacheFinding,
  connectionsFinding,
  createIndexSql,
  dropIndexSql,
  isIndexCandidate,
  isStale,
  longRunningFindings,
  slowQueryFindings,
} from "../../../runtime/lib/perf/findings";
import { conditions, filterColumns, mentionsTable, shortenQuery } from "../../../runtime/lib/perf/queryText";
import { DEFAULT_THRESHOLDS } from "../../../runtime/lib/perf/types";

const TH = DEFAULT_THRESHOLDS;
const COLUMNS = ["id", "clinic_id", "client_id", "date", "status", "Mixed Case"];

describe("index candidates", () => {
  test.each([
    [
      "many scans of a big table, never indexed",
      { seqScans: 60, seqRowsRead: 1_200_000, indexScans: 0, liveRows: 20_000 },
      true,
    ],
    ["a small table", { seqScans: 60, seqRowsRead: 540_000, indexScans: 0, liveRows: 9_999 }, false],
    [
      "too few scans to judge (a daily backup)",
      { seqScans: 49, seqRowsRead: 980_000, indexScans: 0, liveRows: 20_000 },
      false,
    ],
    [
      "few rows per scan (LIMIT queries)",
      { seqScans: 100, seqRowsRead: 99_900, indexScans: 0, liveRows: 20_000 },
      false,
    ],
    ["indexes serve 95% of scans", { seqScans: 50, seqRowsRead: 1_000_000, indexScans: 950, liveRows: 20_000 }, false],
    ["indexes serve 94% of scans", { seqScans: 60, seqRowsRead: 1_200_000, indexScans: 940, liveRows: 20_000 }, true],
    ["no scans at all", { seqScans: 0, seqRowsRead: 0, indexScans: 0, liveRows: 20_000 }, false],
  ])("%s", (_label, counters, expected) => {
    expect(isIndexCandidate(counters, TH)).toBe(expected);
  });
});

describe("stale statistics", () => {
  test.each([
    [{ liveRows: 5000, modifiedSinceAnalyze: 5000 }, true],
    [{ liveRows: 5000, modifiedSinceAnalyze: 1000 }, true],
    [{ liveRows: 5000, modifiedSinceAnalyze: 999 }, false],
    [{ liveRows: 100_000, modifiedSinceAnalyze: 19_999 }, false],
    [{ liveRows: 100_000, modifiedSinceAnalyze: 20_000 }, true],
    [{ liveRows: 0, modifiedSinceAnalyze: 1000 }, true],
  ])("%o → %s", (t, expected) => {
    expect(isStale(t, TH)).toBe(expected);
  });
});

describe("columns the top queries filter on", () => {
  test.each([
    ["SELECT count(*) FROM reservations WHERE date = $1", ["date"]],
    [
      "SELECT * FROM public.reservations r WHERE r.clinic_id = $1 AND r.date BETWEEN $2 AND $3 ORDER BY r.date",
      ["clinic_id", "date"],
    ],
    ['SELECT * FROM "public"."reservations" WHERE "status" IN ($1, $2) LIMIT $3', ["status"]],
    ["UPDATE reservations SET status = $1 WHERE client_id = $2 RETURNING id", ["client_id"]],
    [
      "SELECT c.name FROM clients c JOIN reservations r ON r.client_id = c.id WHERE r.date >= $1",
      ["client_id", "date"],
    ],
    ['SELECT 1 FROM reservations WHERE "Mixed Case" IS NULL', ["Mixed Case"]],
    ["SELECT 1 FROM reservations WHERE nope = $1 AND unknown_col > 3", []],
    ["SELECT count(*) FROM clients WHERE date = $1", []],
    ["SELECT count(*) FROM other.reservations WHERE date = $1", []],
    ["SELECT count(*) FROM reservations", []],
  ])("%s → %j", (query, expected) => {
    expect(filterColumns(query, "public", "reservations", COLUMNS)).toEqual(expected);
  });

  test("conditions are cut at the next clause", () => {
    expect(conditions("SELECT * FROM t WHERE a = 1 GROUP BY b ORDER BY c")).toEqual([" a = 1 "]);
  });

  test.each([
    ["SELECT * FROM reservations", true],
    ["INSERT INTO public.reservations VALUES ($1)", true],
    ['select * from "Reservations"', false],
    ["SELECT * FROM reservations_archive", false],
  ])("mentionsTable(%s)", (query, expected) => {
    expect(mentionsTable(query, "public", "reservations")).toBe(expected);
  });
});

describe("SQL to review", () => {
  test("CREATE INDEX CONCURRENTLY with quoted names, unnamed (PostgreSQL picks a free name)", () => {
    expect(createIndexSql("public", 'we"ird', ["date", "Mixed Case"])).toBe(
      'CREATE INDEX CONCURRENTLY ON "public"."we""ird" ("date", "Mixed Case");',
    );
  });

  test("without a column seen, how to find it", () => {
    expect(createIndexSql("public", "o'brien", [])).toBe(
      [
        "-- the top queries do not show what public.o'brien is filtered on; find the query that reads it:",
        "--   SELECT query, calls, mean_exec_time FROM pg_stat_statements WHERE query ILIKE '%o''brien%' ORDER BY total_exec_time DESC LIMIT 5;",
        '-- then: CREATE INDEX CONCURRENTLY ON "public"."o\'brien" (<the column it filters on>);',
      ].join("\n"),
    );
  });

  test("DROP INDEX CONCURRENTLY", () => {
    expect(dropIndexSql("app", "idx")).toBe('DROP INDEX CONCURRENTLY "app"."idx";');
  });

  test("a shortened slow query points at its full text instead of an unusable EXPLAIN", () => {
    const [finding] = slowQueryFindings(
      [{ queryid: "42", query: "SELECT … very long…", calls: 3, totalMs: 9000, meanMs: 3000, rows: 3 }],
      TH,
    );
    expect(finding.sql).toBe(
      "-- run it with real values in place of $1, $2, … and read the plan:\nEXPLAIN (ANALYZE, BUFFERS) <the full query: SELECT query FROM pg_stat_statements WHERE queryid = 42>;",
    );
    expect(finding.detail).toBe("mean 3.00 s over 3 call(s) (total 9.00 s): SELECT … very long…");
  });
});

describe("server-wide rules", () => {
  test.each([
    [
      { blocksHit: 98_900, blocksRead: 1_100, ratio: 0.989 },
      "cache hit ratio 98.9% (98900 blocks from memory, 1100 read) is under 99.0%: the working set does not fit in memory",
    ],
    [{ blocksHit: 99_000, blocksRead: 1_000, ratio: 0.99 }, undefined],
    [{ blocksHit: 9_000, blocksRead: 1_000, ratio: 0.9 }, undefined], // too few blocks to judge
    [{ blocksHit: 0, blocksRead: 0, ratio: null }, undefined],
  ])("cache %o", (cache, detail) => {
    expect(cacheFinding(cache, TH)?.detail).toBe(detail);
  });

  test.each([
    [29, undefined],
    [
      30,
      "30 of 37 usable connections in use (81.1%; max_connections 40, 3 reserved): the app should connect through the pooler (Neon: the -pooler host), and idle sessions be closed",
    ],
  ])("%i connections", (total, detail) => {
    const finding = connectionsFinding(
      { total, max: 40, reserved: 3, usable: 37, byState: {}, idleInTransaction: [] },
      TH,
    );
    expect(finding?.detail).toBe(detail);
  });

  test("long-running: at the threshold, not below", () => {
    const session = (pid: number, forMs: number) => ({
      pid,
      user: "app",
      application: "",
      state: "active",
      forMs,
      query: "SELECT 1",
    });
    expect(longRunningFindings([session(1, 59_999), session(2, 60_000)], TH).map((f) => f.object)).toEqual(["pid 2"]);
  });
});

test.each([
  ["SELECT  *\n  FROM t\tWHERE a = $1", "SELECT * FROM t WHERE a = $1"],
  ["x".repeat(200), `${"x".repeat(159)}…`],
])("shortenQuery(%j)", (query, expected) => {
  expect(shortenQuery(query)).toBe(expected);
});
