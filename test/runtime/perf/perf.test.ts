/**
 * `bloom-dr perf` against a real PostgreSQL with pg_stat_statements loaded through
 * shared_preload_libraries, run as a non-superuser granted pg_read_all_stats (as Neon's owner
 * role and RDS's master are). Statistics are driven deterministically: autovacuum is off (it
 * would analyze behind the test's back), and each workload session ends with
 * pg_stat_force_next_flush(), whose flush happens before the server reports the statement done.
 */
import { Client } from "pg";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { diagnosePerformance } from "../../../runtime/lib/perf/diagnose";
import { NOT_INSTALLED_NOTE, NOT_LOADED_NOTE } from "../../../runtime/lib/perf/statements";
import { query, startTestCluster } from "../../support/postgres";
import { lines, startCli } from "../cli/runCli";

let cluster: LocalCluster;
let findingsDb: string;
let healthyDb: string;
let n = 0;

/** A database owned by the non-superuser `app`; pg_stat_statements created by the superuser, as on RDS/Neon setup. */
async function appDatabase(options: { extension: boolean } = { extension: true }): Promise<string> {
  const name = `perf_${++n}`;
  await query(cluster.url(), `CREATE DATABASE ${name} OWNER app`);
  if (options.extension) await query(cluster.url(name), "CREATE EXTENSION pg_stat_statements");
  return `postgresql://app:app-pw@127.0.0.1:${cluster.port}/${name}`;
}

/** Runs statements one after the other in one session (statistics are per session until flushed). */
async function inSession(url: string, statements: (string | [string, unknown[]])[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of statements) await (typeof s === "string" ? client.query(s) : client.query(s[0], s[1]));
  } finally {
    await client.end();
  }
}

const FLUSH = "SELECT pg_stat_force_next_flush()";

beforeAll(async () => {
  cluster = await startTestCluster("perf", {
    shared_preload_libraries: "'pg_stat_statements'",
    autovacuum: "off",
  });
  await query(cluster.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
  await query(cluster.url(), "GRANT pg_read_all_stats TO app");

  findingsDb = await appDatabase();
  await inSession(findingsDb, [
    "CREATE TABLE reservations (id int PRIMARY KEY, clinic_id int NOT NULL, date date NOT NULL, note text)",
    "INSERT INTO reservations SELECT g, g % 50, date '2025-01-01' + (g % 365), 'r' || g FROM generate_series(1, 20000) g",
    "CREATE TABLE payments (id int PRIMARY KEY, amount numeric NOT NULL)",
    "INSERT INTO payments SELECT g, g FROM generate_series(1, 5000) g",
    "CREATE TABLE clients (id int PRIMARY KEY, email text NOT NULL)",
    "INSERT INTO clients SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 100) g",
    "CREATE INDEX clients_email_idx ON clients (email)",
    FLUSH,
    "ANALYZE",
  ]);
  // the workload: 60 lookups by date with no index on date, then every payment changed
  const lookups: [string, unknown[]][] = Array.from({ length: 60 }, (_, i) => [
    "SELECT count(*) FROM reservations WHERE date = $1",
    [`2025-01-${String((i % 28) + 1).padStart(2, "0")}`],
  ]);
  await inSession(findingsDb, [...lookups, "UPDATE payments SET amount = amount + 1", FLUSH]);

  healthyDb = await appDatabase();
  await inSession(healthyDb, [
    "CREATE TABLE clinics (id int PRIMARY KEY, name text NOT NULL)",
    "INSERT INTO clinics SELECT g, 'clinic ' || g FROM generate_series(1, 100) g",
    FLUSH,
    "ANALYZE",
    ["SELECT name FROM clinics WHERE id = $1", [7]],
    FLUSH,
  ]);
});

afterAll(async () => {
  await cluster?.destroy();
});

describe("diagnosePerformance", () => {
  test("a sequential-scan table, an unused index and stale statistics: exactly three findings, each with its SQL", async () => {
    const report = await diagnosePerformance({ dbUrl: findingsDb });
    const [{ analyzed, bytes }] = await query<{ analyzed: Date; bytes: string }>(
      findingsDb,
      `SELECT (SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'payments') AS analyzed,
              pg_relation_size('clients_email_idx')::text AS bytes`,
    );
    expect(report.findings).toEqual([
      {
        check: "seq-scan",
        object: "public.reservations",
        detail:
          "61 sequential scans read 19672 rows each on average (20000 rows), 0 index scans; the top queries filter it on date",
        sql: 'CREATE INDEX CONCURRENTLY ON "public"."reservations" ("date");',
      },
      {
        check: "unused-index",
        object: "public.clients_email_idx",
        detail: `index on public.clients (${bytes} bytes) was never used since the statistics were reset; it still slows every write`,
        sql: 'DROP INDEX CONCURRENTLY "public"."clients_email_idx";',
      },
      {
        check: "stale-statistics",
        object: "public.payments",
        detail: `5000 rows modified since the last analyze (${analyzed.toISOString()}; 5000 live rows): the planner's estimates are off`,
        sql: 'ANALYZE "public"."payments";',
      },
    ]);
    expect(report.ok).toBe(false);
    expect(report.indexCandidates).toEqual([
      {
        table: "public.reservations",
        // 60 lookups, plus the scan that built the primary key on the empty table
        seqScans: 61,
        seqRowsRead: 1_200_000,
        rowsPerScan: 19672,
        indexScans: 0,
        liveRows: 20000,
        columns: ["date"],
        sql: 'CREATE INDEX CONCURRENTLY ON "public"."reservations" ("date");',
      },
    ]);
    expect(report.statements.available).toBe(true);
    expect(report.statements.byCalls[0]).toMatchObject({
      query: "SELECT count(*) FROM reservations WHERE date = $1",
      calls: 60,
      rows: 60,
    });
    expect(report.notes).toEqual([]);
  });

  test("top lists are sorted, cut at --top, and never show perf's own queries", async () => {
    await diagnosePerformance({ dbUrl: findingsDb });
    const report = await diagnosePerformance({ dbUrl: findingsDb, top: 3 });
    const { byTotalTime, byMeanTime, byCalls } = report.statements;
    for (const list of [byTotalTime, byMeanTime, byCalls]) expect(list).toHaveLength(3);
    const sorted = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1] >= v);
    expect(sorted(byTotalTime.map((s) => s.totalMs))).toBe(true);
    expect(sorted(byMeanTime.map((s) => s.meanMs))).toBe(true);
    expect(sorted(byCalls.map((s) => s.calls))).toBe(true);
    const all = await query<{ query: string }>(
      findingsDb,
      "SELECT query FROM pg_stat_statements WHERE query LIKE '%bloom-dr perf%' LIMIT 1",
    );
    expect(all).toHaveLength(1); // perf's queries are recorded by the server …
    for (const s of [...byTotalTime, ...byMeanTime, ...byCalls]) expect(s.query).not.toContain("bloom-dr perf"); // … not reported
  });

  test("a healthy database: no findings, the numbers still reported", async () => {
    const report = await diagnosePerformance({ dbUrl: healthyDb });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.statements.byCalls.map((s) => s.query)).toContain("SELECT name FROM clinics WHERE id = $1");
    expect(report.connections).toMatchObject({ max: 40, reserved: 3, usable: 37, idleInTransaction: [] });
    expect(report.connections.byState.active).toBe(1); // perf itself
    const { blocksHit, blocksRead, ratio } = report.cache;
    expect(ratio).toBe(blocksHit / (blocksHit + blocksRead));
    expect(report.longRunning).toEqual([]);
  });

  test("a statement above the slow threshold is a finding with its EXPLAIN line", async () => {
    const db = await appDatabase();
    // only the sleeps count: the superuser clears what the database's setup recorded
    await query(
      cluster.url(new URL(db).pathname.slice(1)),
      "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
    );
    await inSession(db, ["SELECT pg_sleep(0.3)", "SELECT pg_sleep(0.3)"]);
    // pg_sleep guarantees at least 300 ms, so a 250 ms threshold is crossed whatever the machine's load
    const report = await diagnosePerformance({ dbUrl: db, thresholds: { slowMeanMs: 250 } });
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    const slow = report.statements.byMeanTime[0];
    expect(slow).toMatchObject({ query: "SELECT pg_sleep($1)", calls: 2 });
    expect(finding).toEqual({
      check: "slow-query",
      object: `queryid ${slow.queryid}`,
      detail: expect.stringMatching(
        /^mean (\d+\.\d ms|\d+\.\d\d s) over 2 call\(s\) \(total (\d+\.\d ms|\d+\.\d\d s)\): SELECT pg_sleep\(\$1\)$/,
      ),
      sql: "-- run it with real values in place of $1, $2, … and read the plan:\nEXPLAIN (ANALYZE, BUFFERS) SELECT pg_sleep($1);",
    });
  });

  test("sessions idle in a transaction, long-running statements and connection usage, at thresholds of zero", async () => {
    const db = await appDatabase();
    const idle = new Client({ connectionString: db });
    const busy = new Client({ connectionString: db });
    await idle.connect();
    await busy.connect();
    busy.on("error", () => undefined);
    try {
      await idle.query("BEGIN");
      await idle.query("SELECT 1 AS held");
      const idlePid = (await idle.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
      const busyPid = (await busy.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
      const sleeping = busy.query("SELECT pg_sleep(60)").catch(() => undefined);
      for (;;) {
        const [row] = await query<{ state: string | null }>(db, "SELECT state FROM pg_stat_activity WHERE pid = $1", [
          busyPid,
        ]);
        if (row?.state === "active") break;
      }
      const report = await diagnosePerformance({
        dbUrl: db,
        thresholds: { idleInTransactionMs: 0, longRunningMs: 0, connectionsUsedAbove: 0 },
      });
      const connections = report.connections.total;
      expect(report.findings.map((f) => [f.check, f.object, f.sql])).toEqual([
        [
          "connections",
          "server",
          "-- who holds the connections\nSELECT usename, application_name, state, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1, 2, 3 ORDER BY 4 DESC;",
        ],
        [
          "idle-in-transaction",
          `pid ${idlePid}`,
          `SELECT pg_terminate_backend(${idlePid});  -- ends that session and rolls its transaction back`,
        ],
        [
          "long-running",
          `pid ${busyPid}`,
          `SELECT pg_cancel_backend(${busyPid});  -- cancels the statement (pg_terminate_backend ends the session)`,
        ],
      ]);
      expect(connections).toBe(3); // idle, busy and perf's own session
      expect(report.findings[0].detail).toBe(
        "3 of 37 usable connections in use (8.1%; max_connections 40, 3 reserved): the app should connect through the pooler (Neon: the -pooler host), and idle sessions be closed",
      );
      expect(report.connections.idleInTransaction.map((s) => [s.pid, s.state, s.query])).toEqual([
        [idlePid, "idle in transaction", "SELECT pg_backend_pid() AS pid"],
      ]);
      expect(report.longRunning.map((s) => [s.pid, s.user, s.query])).toEqual([
        [busyPid, "app", "SELECT pg_sleep(60)"],
      ]);
      await query(cluster.url(), "SELECT pg_cancel_backend($1)", [busyPid]);
      await sleeping;
    } finally {
      await idle.end();
      await busy.end();
    }
  });

  test("without the extension: one note on enabling it on Neon and RDS; the other checks still run", async () => {
    const db = await appDatabase({ extension: false });
    const report = await diagnosePerformance({ dbUrl: db });
    expect(report.statements).toEqual({
      available: false,
      note: NOT_INSTALLED_NOTE,
      byTotalTime: [],
      byMeanTime: [],
      byCalls: [],
    });
    expect(report.notes).toEqual([NOT_INSTALLED_NOTE]);
    expect(report.ok).toBe(true);
  });
});

describe("bloom-dr perf", () => {
  test("findings: exit 1, each with its SQL, the password never shown", async () => {
    const run = await startCli(["perf", "--db", findingsDb]).done;
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out[0]).toMatch(new RegExp(`^perf postgresql://app:\\*\\*\\*@127\\.0\\.0\\.1:${cluster.port}/perf_1`));
    expect(out).toContain("FINDINGS: 3 (the SQL below is for review; perf ran none of it)");
    expect(
      out.slice(out.indexOf("1. [seq-scan] public.reservations"), out.indexOf("1. [seq-scan] public.reservations") + 4),
    ).toEqual([
      "1. [seq-scan] public.reservations",
      "   61 sequential scans read 19672 rows each on average (20000 rows), 0 index scans; the top queries filter it on date",
      "   sql:",
      '     CREATE INDEX CONCURRENTLY ON "public"."reservations" ("date");',
    ]);
    expect(out).toContain('     ANALYZE "public"."payments";');
    expect(run.stdout + run.stderr).not.toContain("app-pw");
  });

  test("healthy: exit 0; --json is one object", async () => {
    const run = await startCli(["perf", "--db", healthyDb, "--top", "2", "--json"]).done;
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ ok: true, command: "perf", top: 2, findings: [], notes: [] });
    expect(json.statements.byCalls.length).toBeLessThanOrEqual(2);
  });

  test("without pg_stat_statements the human report says how to enable it", async () => {
    const db = await appDatabase({ extension: false });
    const run = await startCli(["perf", "--db", db]).done;
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toContain(`note: ${NOT_INSTALLED_NOTE}`);
    expect(lines(run.stdout).at(-1)).toBe("OK: no findings");
  });

  test.each([
    [["perf"], /--db is required/],
    [["perf", "--db", "postgresql://a:b@h/db", "--top", "0"], /--top must be a whole number ≥ 1 \(got "0"\)/],
  ])("usage error %#: exit 2", async (args, message) => {
    const run = await startCli(args).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("pg_stat_statements installed but not preloaded", () => {
  let plain: LocalCluster;
  afterAll(async () => {
    await plain?.destroy();
  });

  test("says to add it to shared_preload_libraries", async () => {
    plain = await startTestCluster("perf-plain");
    await query(plain.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
    await query(plain.url(), "CREATE DATABASE bloom OWNER app");
    await query(plain.url("bloom"), "CREATE EXTENSION pg_stat_statements");
    const report = await diagnosePerformance({ dbUrl: `postgresql://app:app-pw@127.0.0.1:${plain.port}/bloom` });
    expect(report.statements.available).toBe(false);
    expect(report.notes).toEqual([NOT_LOADED_NOTE]);
  });
});
