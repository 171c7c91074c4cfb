/** The pure parts of `bloom-dr diagnose`: endpoint planning, failure causes, findings and the Neon API reading. */
import { actionFor, causeKind, describeFailure } from "../../../runtime/lib/diagnose/failureCause";
import { isNeonHost, planEndpoints, pooledHostFor } from "../../../runtime/lib/diagnose/endpoints";
import { allFindings, blockingFindings } from "../../../runtime/lib/diagnose/findings";
import { readNeon } from "../../../runtime/lib/diagnose/neonApi";
import { analyseActivity, rootBlockers } from "../../../runtime/lib/diagnose/sessions";
import { DEFAULT_DIAGNOSE_THRESHOLDS, EndpointReport } from "../../../runtime/lib/diagnose/types";

const NEON = "postgresql://app:s3cret-pw@ep-cool-darkness-123456.us-east-2.aws.neon.tech/bloom?sslmode=require";
const NEON_POOLED =
  "postgresql://app:s3cret-pw@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/bloom?sslmode=require";

describe("planEndpoints", () => {
  test("a Neon direct URL gets its pooled twin, derived", () => {
    expect(planEndpoints(NEON).targets).toEqual([
      { role: "direct", url: NEON, derived: false },
      { role: "pooled", url: NEON_POOLED, derived: true },
    ]);
  });

  test("a Neon pooled URL gets its direct twin, derived", () => {
    expect(planEndpoints(NEON_POOLED).targets).toEqual([
      { role: "direct", url: NEON, derived: true },
      { role: "pooled", url: NEON_POOLED, derived: false },
    ]);
  });

  test("--pooled wins over derivation; another host is checked alone, with a note", () => {
    expect(planEndpoints(NEON, "postgresql://a:b@pgbouncer.internal:6432/bloom").targets[1]).toEqual({
      role: "pooled",
      url: "postgresql://a:b@pgbouncer.internal:6432/bloom",
      derived: false,
    });
    const plan = planEndpoints("postgresql://a:b@db.internal:5432/bloom");
    expect(plan.targets).toHaveLength(1);
    expect(plan.notes).toEqual([
      "db.internal is not a Neon host: only --db is checked; pass --pooled URL to check a pooler (PgBouncer) too",
    ]);
  });

  test.each([
    ["ep-a-1.us-east-2.aws.neon.tech", true, "ep-a-1-pooler.us-east-2.aws.neon.tech"],
    ["ep-a-1-pooler.eu-central-1.aws.neon.tech", true, "ep-a-1-pooler.eu-central-1.aws.neon.tech"],
    ["db.example.com", false, "db-pooler.example.com"],
  ])("%s: Neon %s, pooled %s", (host, neon, pooled) => {
    expect(isNeonHost(host)).toBe(neon);
    expect(pooledHostFor(host)).toBe(pooled);
  });
});

describe("failure causes", () => {
  const ctx = {
    host: "db.example",
    port: 5432,
    user: "app",
    database: "bloom",
    timeoutMs: 5000,
    sslmode: "require",
    secrets: ["s3cret-pw"],
  };
  test.each([
    [
      { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND db.example" },
      "dns",
      "dns",
      "DNS: db.example does not resolve (ENOTFOUND)",
    ],
    [
      { code: "ECONNREFUSED", message: "connect ECONNREFUSED" },
      "tcp",
      "refused",
      "TCP: connection refused by db.example:5432 (nothing listens there: the server is down or the port is wrong)",
    ],
    [
      { code: "ETIMEDOUT", message: "x" },
      "tcp",
      "timeout",
      "TCP: db.example:5432 did not answer within 5 s (timed out)",
    ],
    [
      { message: "Connection terminated due to connection timeout" },
      "auth",
      "timeout",
      "auth: db.example:5432 did not finish the login within 5 s (timed out)",
    ],
    [
      { message: "The server does not support SSL connections" },
      "tls",
      "tls",
      "TLS: db.example:5432 does not accept TLS, but the URL asks for it (sslmode=require)",
    ],
    [
      { code: "28P01", message: 'password authentication failed for user "app"' },
      "auth",
      "wrong-password",
      'auth: password authentication failed for user "app" (wrong password, or no such user)',
    ],
    [
      { code: "3D000", message: 'database "bloom" does not exist' },
      "auth",
      "database-missing",
      'auth: database "bloom" does not exist',
    ],
    [
      { code: "53300", message: "sorry, too many clients already" },
      "auth",
      "too-many-connections",
      "auth: too many connections: sorry, too many clients already",
    ],
    [
      { code: "08P01", message: "no more connections allowed (max_client_conn)" },
      "auth",
      "too-many-connections",
      "auth: too many connections: no more connections allowed (max_client_conn)",
    ],
    [
      { code: "57P03", message: "the database system is starting up" },
      "auth",
      "starting-up",
      "auth: the server is starting up or shutting down: the database system is starting up",
    ],
    [
      { message: "Connection terminated unexpectedly" },
      "select 1",
      "reset",
      "select 1: db.example:5432 closed the connection (Connection terminated unexpectedly)",
    ],
    [
      { code: "XX000", message: "could not read postgresql://app:s3cret-pw@db.example/bloom s3cret-pw" },
      "select 1",
      "query-failed",
      "select 1: could not read postgresql://app:***@db.example/bloom ***",
    ],
  ] as const)("%j at %s is %s", (err, stage, kind, line) => {
    expect(causeKind(err, stage)).toBe(kind);
    expect(describeFailure(err, { ...ctx, stage })).toEqual({ kind, stage, line });
  });

  test("the other endpoint answering changes the action to the playbook's pooler-vs-direct switch", () => {
    expect(actionFor("refused", true)).toMatch(/^the other endpoint answers: point the app at it/);
    expect(actionFor("refused", false)).toMatch(/Opción B/);
    expect(actionFor("wrong-password", true)).toMatch(/Opción A step 1/);
    expect(actionFor("too-many-connections", undefined)).toMatch(/Opción A step 3/);
  });
});

const at = (s: number) => new Date(Date.UTC(2026, 2, 10, 12, 0, s));
const row = (pid: number, state: string, blockers: number[] = [], extra: Record<string, unknown> = {}) => ({
  pid,
  usr: "app",
  app: `app-${pid}`,
  state,
  backend_start: at(0),
  xact_start: state === "idle" ? null : at(1),
  query_start: at(2),
  state_change: at(3),
  for_ms: 90_000,
  wait: null,
  query: `select ${pid}`,
  blockers,
  ...extra,
});
const settings = { max: 12, su_reserved: 2, reserved: 0, sees_all: true, me: 1 };

describe("sessions", () => {
  test("usage by state, application and user against the usable connections", () => {
    const report = analyseActivity(
      { settings, rows: [row(1, "active"), row(2, "idle"), row(3, "idle"), row(4, "idle in transaction")] },
      "direct",
      DEFAULT_DIAGNOSE_THRESHOLDS,
    );
    expect(report.usage).toEqual({
      total: 4,
      max: 12,
      reserved: 2,
      usable: 10,
      percent: 40,
      byState: { active: 1, idle: 2, "idle in transaction": 1 },
      byApplication: { "app-1": 1, "app-2": 1, "app-3": 1, "app-4": 1 },
      byUser: { app: 4 },
      seesAllSessions: true,
    });
    expect(report.idleInTransaction.map((s) => s.pid)).toEqual([4]);
    // the diagnosing session itself (pid 1) is never a long-running finding
    expect(report.longRunning).toEqual([]);
  });

  test("a chain 7 → 6 → 5: pid 5 heads it, every link's review line ends pid 5", () => {
    const report = analyseActivity(
      { settings, rows: [row(5, "idle in transaction"), row(6, "active", [5]), row(7, "active", [6])] },
      "direct",
      DEFAULT_DIAGNOSE_THRESHOLDS,
    );
    expect(rootBlockers(report.blocking).map((s) => s.pid)).toEqual([5]);
    const findings = blockingFindings(report.blocking);
    expect(findings.map((f) => [f.line, f.sql])).toEqual([
      [
        'pid 6 (user app, application "app-6", waiting since 2026-03-10T12:00:02.000Z) is blocked by pid 5 (user app, application "app-5", idle in transaction since 2026-03-10T12:00:03.000Z, transaction started 2026-03-10T12:00:01.000Z)',
        "SELECT pg_terminate_backend(5);",
      ],
      [
        'pid 7 (user app, application "app-7", waiting since 2026-03-10T12:00:02.000Z) is blocked by pid 6 (user app, application "app-6", running since 2026-03-10T12:00:02.000Z, transaction started 2026-03-10T12:00:01.000Z)',
        "SELECT pg_terminate_backend(5);",
      ],
    ]);
    expect(findings[1].action).toBe("pid 6 is itself waiting: end the head of the chain, pid 5");
    // the head is named once, as a blocker, not again as idle in transaction; the blocked ones not as long-running
    const all = allFindings([], report, { checked: false }, DEFAULT_DIAGNOSE_THRESHOLDS);
    expect(all.map((f) => f.check)).toEqual(["blocking", "blocking"]);
  });

  test("connections at the threshold are a finding; below it are not", () => {
    const rows = Array.from({ length: 8 }, (_, i) => row(i + 1, "idle"));
    const report = analyseActivity({ settings, rows }, "direct", DEFAULT_DIAGNOSE_THRESHOLDS);
    expect(allFindings([], report, { checked: false }, DEFAULT_DIAGNOSE_THRESHOLDS).map((f) => f.line)).toEqual([
      "connections: 8 of 10 usable in use (80%), at or above 80%",
    ]);
    const fewer = analyseActivity({ settings, rows: rows.slice(1) }, "direct", DEFAULT_DIAGNOSE_THRESHOLDS);
    expect(allFindings([], fewer, { checked: false }, DEFAULT_DIAGNOSE_THRESHOLDS)).toEqual([]);
  });
});

describe("endpoint findings", () => {
  const endpoint = (role: "direct" | "pooled", ok: boolean): EndpointReport => ({
    role,
    url: "postgresql://app:***@h/db",
    host: "h",
    port: 5432,
    derived: false,
    stages: [],
    ok,
    ...(ok ? {} : { cause: { kind: "refused" as const, stage: "tcp" as const, line: "TCP: refused" } }),
  });
  test("one finding per failing endpoint, naming it", () => {
    const findings = allFindings(
      [endpoint("direct", false), endpoint("pooled", true)],
      undefined,
      { checked: false },
      DEFAULT_DIAGNOSE_THRESHOLDS,
    );
    expect(findings.map((f) => f.line)).toEqual(["direct endpoint: TCP: refused"]);
    expect(findings[0].action).toMatch(/^the other endpoint answers/);
  });
});

describe("the Neon API", () => {
  const NOW = new Date("2026-03-10T12:00:00Z");
  function mockClient() {
    return {
      getProjectEndpoint: jest.fn(async (_project: string, id: string) => ({
        data: {
          endpoint: {
            id,
            current_state: "idle",
            disabled: false,
            suspended_at: "2026-03-10T11:50:00Z",
            last_active: "2026-03-10T11:45:00Z",
          },
        },
      })),
      listProjectOperations: jest.fn(async () => ({
        data: {
          operations: [
            { id: "op-1", action: "start_compute", status: "running", created_at: "2026-03-10T11:59:00Z" },
            { id: "op-2", action: "apply_config", status: "finished", created_at: "2026-03-10T11:58:00Z" },
            {
              id: "op-3",
              action: "suspend_compute",
              status: "failed",
              created_at: "2026-03-10T11:30:00Z",
              error: "boom",
            },
            { id: "op-4", action: "start_compute", status: "failed", created_at: "2026-03-10T09:00:00Z" },
          ],
        },
      })),
    };
  }
  const request = { host: "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", isNeon: true, now: NOW };

  test("the endpoint's state and the operations not finished or failed within the hour", async () => {
    const client = mockClient();
    const report = await readNeon(client as any, { ...request, apiKeySet: true, projectId: "proj-bloom" });
    expect(client.getProjectEndpoint.mock.calls).toEqual([["proj-bloom", "ep-cool-darkness-123456"]]);
    expect(client.listProjectOperations.mock.calls).toEqual([[{ projectId: "proj-bloom", limit: 50 }]]);
    expect(report).toEqual({
      checked: true,
      endpoint: {
        id: "ep-cool-darkness-123456",
        state: "idle",
        pendingState: null,
        disabled: false,
        suspendedAt: "2026-03-10T11:50:00Z",
        lastActive: "2026-03-10T11:45:00Z",
      },
      operations: [
        { id: "op-1", action: "start_compute", status: "running", createdAt: "2026-03-10T11:59:00Z", error: null },
        { id: "op-3", action: "suspend_compute", status: "failed", createdAt: "2026-03-10T11:30:00Z", error: "boom" },
      ],
    });
    expect(allFindings([], undefined, report, DEFAULT_DIAGNOSE_THRESHOLDS).map((f) => f.line)).toEqual([
      "Neon operation start_compute op-1 is running (created 2026-03-10T11:59:00Z)",
      "Neon operation suspend_compute op-3 failed (created 2026-03-10T11:30:00Z): boom",
    ]);
  });

  test("a disabled endpoint is a finding", async () => {
    const client = mockClient();
    client.getProjectEndpoint.mockResolvedValueOnce({
      data: { endpoint: { id: "ep-x", current_state: "active", disabled: true } },
    } as any);
    client.listProjectOperations.mockResolvedValueOnce({ data: { operations: [] } });
    const report = await readNeon(client as any, { ...request, apiKeySet: true, projectId: "p" });
    expect(allFindings([], undefined, report, DEFAULT_DIAGNOSE_THRESHOLDS).map((f) => f.line)).toEqual([
      "Neon endpoint ep-x is disabled: it refuses every connection",
    ]);
  });

  test("no key, no project, a failed call: notes, never a failure", async () => {
    expect(await readNeon(undefined, { ...request, apiKeySet: false })).toEqual({
      checked: false,
      note: "NEON_API_KEY is not set: the endpoint state and the project's operations were not read (Neon Console → Branches → the compute, and → Operations)",
    });
    expect((await readNeon(mockClient() as any, { ...request, apiKeySet: true })).note).toMatch(
      /^no Neon project: set NEON_PROJECT_ID/,
    );
    const client = mockClient();
    client.getProjectEndpoint.mockRejectedValueOnce(
      Object.assign(new Error("Request failed"), { response: { status: 401, data: { message: "unauthorized" } } }),
    );
    const report = await readNeon(client as any, { ...request, apiKeySet: true, projectId: "p" });
    expect(report.checked).toBe(true);
    expect(report.note).toBe(
      "Neon API getProjectEndpoint ep-cool-darkness-123456 failed (HTTP 401): unauthorized: check NEON_API_KEY",
    );
    expect((await readNeon(undefined, { host: "db.internal", isNeon: false, apiKeySet: true, now: NOW })).note).toBe(
      "db.internal is not a Neon host: no Neon API to ask",
    );
  });
});
