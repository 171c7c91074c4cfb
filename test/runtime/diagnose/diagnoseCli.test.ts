/**
 * `bloom-dr diagnose` end to end (node bin/bloom-dr.js as a child process) against real PostgreSQL
 * clusters, as a non-superuser owner role with pg_read_all_stats (what Neon's owner role has):
 * healthy, server down, wrong password, database missing, too many connections, connection
 * pressure, a blocking chain, an idle-in-transaction session, a login that times out; each with
 * its exact one-line cause, and no password anywhere in any output.
 */
import net from "node:net";
import { Client } from "pg";
import { freeLoopbackPort } from "../../../runtime/lib/local/freePort";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { query, startTestCluster } from "../../support/postgres";
import { CliRun, startCli } from "../cli/runCli";

const OWNER_PASSWORD = "owner-Pw-7f3a9c";
const WRONG_PASSWORD = "not-the-Pw-41d2";

let cluster: LocalCluster;
let tiny: LocalCluster;
let ownerUrl: string;
const held: Client[] = [];

function urlFor(c: LocalCluster, { password = OWNER_PASSWORD, database = "bloom", port = c.port } = {}): string {
  return `postgresql://bloom_owner:${password}@127.0.0.1:${port}/${database}`;
}

async function setUpOwner(c: LocalCluster): Promise<void> {
  await query(
    c.url(),
    `CREATE ROLE bloom_owner LOGIN PASSWORD '${OWNER_PASSWORD}' CREATEDB CREATEROLE; GRANT pg_read_all_stats TO bloom_owner`,
  );
  await query(c.url(), "CREATE DATABASE bloom OWNER bloom_owner");
}

/** A session the test holds open (ended in afterEach). */
async function hold(url: string, application: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: application });
  await client.connect();
  held.push(client);
  return client;
}

async function diagnose(...args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env.NEON_API_KEY;
  const run = await startCli(["diagnose", ...args], env).done;
  for (const secret of [OWNER_PASSWORD, WRONG_PASSWORD, cluster.password, tiny.password]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
  return run;
}

async function diagnoseJson(...args: string[]): Promise<{ code: number | null; report: Record<string, any> }> {
  const run = await diagnose(...args, "--json");
  expect(run.stdout.trim().split("\n")).toHaveLength(1);
  return { code: run.code, report: JSON.parse(run.stdout) };
}

const stageStatuses = (endpoint: { stages: { stage: string; status: string }[] }) =>
  endpoint.stages.map((s) => `${s.stage}:${s.status}`);

beforeAll(async () => {
  [cluster, tiny] = await Promise.all([
    // 10 connections for non-superusers: 8 in use is the 80% threshold
    startTestCluster("diagnose", { max_connections: "12", superuser_reserved_connections: "2" }),
    // no reserved slots, so the refusal reads the same on every PostgreSQL version
    startTestCluster("diagnose-tiny", { max_connections: "3", superuser_reserved_connections: "0" }),
  ]);
  await Promise.all([setUpOwner(cluster), setUpOwner(tiny)]);
  ownerUrl = urlFor(cluster);
  await query(
    ownerUrl,
    "CREATE TABLE reservations (id int PRIMARY KEY, status text); INSERT INTO reservations VALUES (1, 'new')",
  );
});

afterEach(async () => {
  await Promise.all(held.splice(0).map((c) => c.end().catch(() => undefined)));
});

afterAll(async () => {
  await Promise.all([cluster?.destroy(), tiny?.destroy()]);
});

test("healthy: both endpoints pass every stage, no findings, exit 0", async () => {
  const { code, report } = await diagnoseJson("--db", ownerUrl, "--pooled", ownerUrl);
  expect(code).toBe(0);
  expect(report).toMatchObject({
    ok: true,
    command: "diagnose",
    db: urlFor(cluster, { password: "***" }),
    findings: [],
  });
  expect(report.endpoints.map((e: any) => [e.role, e.ok, stageStatuses(e)])).toEqual([
    ["direct", true, ["dns:skipped", "tcp:ok", "tls:skipped", "auth:ok", "select 1:ok"]],
    ["pooled", true, ["dns:skipped", "tcp:ok", "tls:skipped", "auth:ok", "select 1:ok"]],
  ]);
  for (const stage of report.endpoints[0].stages) expect(typeof stage.ms).toBe("number");
  // diagnose's own two sessions
  expect(report.sessions.usage).toMatchObject({ total: 2, usable: 10, percent: 20, byUser: { bloom_owner: 2 } });
  expect(report.sessions.usage.byApplication).toEqual({ "bloom-dr diagnose": 2 });

  const human = await diagnose("--db", ownerUrl);
  expect(human.code).toBe(0);
  expect(human.stdout).toContain("no findings: both endpoints answer and nothing holds the database up");
  expect(human.stdout).toContain(
    "note: 127.0.0.1 is not a Neon host: only --db is checked; pass --pooled URL to check a pooler (PgBouncer) too",
  );
});

test("server down: TCP refused, the later stages not reached, exit 1", async () => {
  const port = await freeLoopbackPort();
  const { code, report } = await diagnoseJson("--db", urlFor(cluster, { port }));
  expect(code).toBe(1);
  expect(stageStatuses(report.endpoints[0])).toEqual([
    "dns:skipped",
    "tcp:failed",
    "tls:skipped",
    "auth:skipped",
    "select 1:skipped",
  ]);
  expect(report.findings.map((f: any) => f.line)).toEqual([
    `direct endpoint: TCP: connection refused by 127.0.0.1:${port} (nothing listens there: the server is down or the port is wrong)`,
  ]);
  expect(report.findings[0].action).toMatch(/Opción B/);
  expect(report.sessions).toBeUndefined();

  const human = await diagnose("--db", urlFor(cluster, { port }), "--pooled", ownerUrl);
  expect(human.code).toBe(1);
  expect(human.stdout).toContain(
    `- direct endpoint: TCP: connection refused by 127.0.0.1:${port} (nothing listens there: the server is down or the port is wrong)`,
  );
  expect(human.stdout).toContain(
    "  action: the other endpoint answers: point the app at it for now (playbook SEV-1 Opción A step 2, pooler vs direct), then find out why this one fails",
  );
});

test("wrong password: the auth stage names the user, never the password", async () => {
  const { code, report } = await diagnoseJson("--db", urlFor(cluster, { password: WRONG_PASSWORD }));
  expect(code).toBe(1);
  expect(stageStatuses(report.endpoints[0])).toEqual([
    "dns:skipped",
    "tcp:ok",
    "tls:skipped",
    "auth:failed",
    "select 1:skipped",
  ]);
  expect(report.findings.map((f: any) => f.line)).toEqual([
    'direct endpoint: auth: password authentication failed for user "bloom_owner" (wrong password, or no such user)',
  ]);
  expect(report.findings[0].action).toMatch(/^playbook SEV-1 Opción A step 1: check the user and password/);
});

test("database missing", async () => {
  const { code, report } = await diagnoseJson("--db", urlFor(cluster, { database: "bloom_typo" }));
  expect(code).toBe(1);
  expect(report.findings.map((f: any) => f.line)).toEqual([
    'direct endpoint: auth: database "bloom_typo" does not exist',
  ]);
});

test("too many connections: every slot taken, the login refused", async () => {
  const tinyUrl = urlFor(tiny);
  for (const n of [1, 2, 3]) await hold(tinyUrl, `app-${n}`);
  const { code, report } = await diagnoseJson("--db", tinyUrl);
  expect(code).toBe(1);
  expect(report.findings.map((f: any) => f.line)).toEqual([
    "direct endpoint: auth: too many connections: sorry, too many clients already",
  ]);
  expect(report.findings[0].action).toMatch(/^playbook SEV-1 Opción A step 3/);
  expect(report.notes).toContain(
    "no endpoint let bloom-dr in: connection usage, idle sessions and blocking chains were not read",
  );
});

test("connection pressure: 8 of 10 usable connections in use", async () => {
  for (let n = 1; n <= 7; n++) await hold(ownerUrl, n <= 4 ? "web" : "worker");
  const { code, report } = await diagnoseJson("--db", ownerUrl);
  expect(code).toBe(1);
  expect(report.findings.map((f: any) => f.line)).toEqual([
    "connections: 8 of 10 usable in use (80%), at or above 80%",
  ]);
  expect(report.sessions.usage).toMatchObject({
    total: 8,
    max: 12,
    reserved: 2,
    usable: 10,
    percent: 80,
    byState: { active: 1, idle: 7 },
    byApplication: { "bloom-dr diagnose": 1, web: 4, worker: 3 },
    byUser: { bloom_owner: 8 },
  });
});

/** Waits until `pid` waits for a lock (synchronisation on the server's own state, not on time). */
async function waitUntilBlocked(pid: number): Promise<void> {
  for (;;) {
    const [row] = await query<{ n: number }>(ownerUrl, "SELECT cardinality(pg_blocking_pids($1))::int AS n", [pid]);
    if (row.n > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a blocking chain: who waits for whom, and the pg_terminate_backend line for the head", async () => {
  const holder = await hold(ownerUrl, "holder");
  const waiter = await hold(ownerUrl, "waiter");
  await holder.query("BEGIN");
  await holder.query("UPDATE reservations SET status = 'held' WHERE id = 1");
  const holderPid = (await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
  const waiterPid = (await waiter.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
  const waiting = waiter.query("UPDATE reservations SET status = 'waited' WHERE id = 1");
  await waitUntilBlocked(waiterPid);
  const times = await query<{ pid: number; query_start: Date; state_change: Date; xact_start: Date }>(
    ownerUrl,
    "SELECT pid, query_start, state_change, xact_start FROM pg_stat_activity WHERE pid IN ($1, $2)",
    [holderPid, waiterPid],
  );
  const of = (pid: number) => times.find((t) => t.pid === pid)!;

  const { code, report } = await diagnoseJson("--db", ownerUrl, "--long-after", "3600", "--idle-after", "3600");
  expect(code).toBe(1);
  expect(report.findings.map((f: any) => [f.line, f.sql])).toEqual([
    [
      `pid ${waiterPid} (user bloom_owner, application "waiter", waiting since ${of(waiterPid).query_start.toISOString()}) is blocked by pid ${holderPid} (user bloom_owner, application "holder", idle in transaction since ${of(holderPid).state_change.toISOString()}, transaction started ${of(holderPid).xact_start.toISOString()})`,
      `SELECT pg_terminate_backend(${holderPid});`,
    ],
  ]);

  const human = await diagnose("--db", ownerUrl, "--long-after", "3600", "--idle-after", "3600");
  expect(human.stdout).toContain(`  review: SELECT pg_terminate_backend(${holderPid});`);
  // diagnose only reads: the lock is still held
  expect(
    (await query<{ n: number }>(ownerUrl, "SELECT cardinality(pg_blocking_pids($1))::int AS n", [waiterPid]))[0].n,
  ).toBe(1);
  await holder.query("ROLLBACK");
  await waiting;
});

test("an idle-in-transaction session, with how long and since when", async () => {
  const forgotten = await hold(ownerUrl, "forgotten");
  await forgotten.query("BEGIN");
  await forgotten.query("SELECT status FROM reservations WHERE id = 1");
  const pid = (await forgotten.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
  const [since] = await query<{ state_change: Date }>(
    ownerUrl,
    "SELECT state_change FROM pg_stat_activity WHERE pid = $1",
    [pid],
  );
  const { code, report } = await diagnoseJson("--db", ownerUrl, "--idle-after", "0");
  expect(code).toBe(1);
  expect(report.findings.map((f: any) => [f.line, f.sql])).toEqual([
    [
      `pid ${pid} (user bloom_owner, application "forgotten") has been idle in transaction since ${since.state_change.toISOString()}`,
      `SELECT pg_terminate_backend(${pid});`,
    ],
  ]);
  expect(report.sessions.idleInTransaction).toEqual([
    expect.objectContaining({
      pid,
      application: "forgotten",
      state: "idle in transaction",
      query: expect.stringContaining("SELECT pg_backend_pid()"),
    }),
  ]);
  expect(report.sessions.idleInTransaction[0].forMs).toBeGreaterThanOrEqual(0);
});

test("a server that accepts TCP but never answers: the login times out", async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const { code, report } = await diagnoseJson("--db", urlFor(cluster, { port }), "--timeout", "1");
    expect(code).toBe(1);
    expect(stageStatuses(report.endpoints[0])).toEqual([
      "dns:skipped",
      "tcp:ok",
      "tls:skipped",
      "auth:failed",
      "select 1:skipped",
    ]);
    expect(report.findings.map((f: any) => f.line)).toEqual([
      `direct endpoint: auth: 127.0.0.1:${port} did not finish the login within 1 s (timed out)`,
    ]);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test("TLS asked for, not offered; a name that does not resolve", async () => {
  const tls = await diagnoseJson("--db", `${ownerUrl}?sslmode=require`);
  expect(tls.report.findings.map((f: any) => f.line)).toEqual([
    `direct endpoint: TLS: 127.0.0.1:${cluster.port} does not accept TLS, but the URL asks for it (sslmode=require)`,
  ]);
  const dns = await diagnoseJson("--db", `postgresql://bloom_owner:${OWNER_PASSWORD}@db.bloom.invalid/bloom`);
  expect(dns.code).toBe(1);
  expect(dns.report.findings[0].line).toMatch(
    /^direct endpoint: DNS: db\.bloom\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\)$/,
  );
});

test("usage errors exit 2 with one line", async () => {
  const missing = await diagnose("--pooled", ownerUrl);
  expect(missing.code).toBe(2);
  const bad = await diagnose("--db", ownerUrl, "--idle-after", "soon", "--json");
  expect(bad.code).toBe(2);
  expect(JSON.parse(bad.stdout)).toMatchObject({
    ok: false,
    command: "diagnose",
    error: '--idle-after must be a whole number of seconds ≥ 0 (got "soon")',
  });
});
