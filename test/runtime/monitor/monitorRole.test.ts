/**
 * `bloom-dr monitor-role` end to end against real PostgreSQL, run as a non-superuser owner with
 * CREATEROLE (what Neon's owner role is): the role it makes can log in, count every session and
 * nothing else; a second run rotates the password; a role with more privileges is refused and
 * left as it was; no password is ever printed.
 */
import { Client } from "pg";
import { excessPrivileges, monitorRoleRequestProblem } from "../../../runtime/lib/monitor/monitorRole";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { query, startTestCluster } from "../../support/postgres";
import { CliRun, startCli } from "../cli/runCli";

const OWNER_PASSWORD = "owner-Pw-3c81e5";
const FIRST = "first-monitor-Pw-0a1b2c3d";
const SECOND = "second-monitor-Pw-4e5f6a7b";

let cluster: LocalCluster;
let ownerUrl: string;

const as = (role: string, password: string) => `postgresql://${role}:${password}@127.0.0.1:${cluster.port}/bloom`;

async function monitorRole(password: string | undefined, ...args: string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, BLOOM_DR_OWNER_URL: ownerUrl };
  delete env.BLOOM_DR_MONITOR_PASSWORD;
  if (password !== undefined) env.BLOOM_DR_MONITOR_PASSWORD = password;
  const run = await startCli(["monitor-role", ...args], env).done;
  for (const secret of [OWNER_PASSWORD, FIRST, SECOND, cluster.password]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
  return run;
}

async function loginError(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  cluster = await startTestCluster("monitor-role");
  await query(cluster.url(), `CREATE ROLE bloom_owner LOGIN PASSWORD '${OWNER_PASSWORD}' CREATEDB CREATEROLE`);
  await query(cluster.url(), "CREATE DATABASE bloom OWNER bloom_owner");
  ownerUrl = as("bloom_owner", OWNER_PASSWORD);
  await query(ownerUrl, "CREATE TABLE reservations (id int PRIMARY KEY); INSERT INTO reservations VALUES (1)");
});

afterAll(async () => {
  await cluster?.destroy();
});

test("creates a role that logs in, counts every session, and can do nothing else", async () => {
  const run = await monitorRole(FIRST, "--json");
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({
    ok: true,
    command: "monitor-role",
    db: as("bloom_owner", "***"),
    role: "bloom_monitor",
    database: "bloom",
    created: true,
    grants: ["pg_monitor", "CONNECT ON DATABASE bloom"],
    settings: { default_transaction_read_only: "on", statement_timeout: "5s" },
    connectionLimit: 5,
    verified: true,
  });
  const [role] = await query<Record<string, unknown>>(
    cluster.url(),
    `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolconnlimit, rolconfig,
            ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of
       FROM pg_roles r WHERE rolname = 'bloom_monitor'`,
  );
  expect(role).toEqual({
    rolsuper: false,
    rolcreaterole: false,
    rolcreatedb: false,
    rolreplication: false,
    rolbypassrls: false,
    rolconnlimit: 5,
    rolconfig: ["default_transaction_read_only=on", "statement_timeout=5s"],
    member_of: ["pg_monitor"],
  });
  const monitor = new Client({ connectionString: as("bloom_monitor", FIRST) });
  const app = new Client({ connectionString: ownerUrl, application_name: "the app" });
  await Promise.all([monitor.connect(), app.connect()]);
  try {
    // another role's session is visible with its type and state (pg_monitor), so it can be counted
    const { rows } = await monitor.query(
      "SELECT backend_type, state FROM pg_stat_activity WHERE application_name = 'the app'",
    );
    expect(rows).toEqual([{ backend_type: "client backend", state: "idle" }]);
    await expect(monitor.query("SELECT * FROM reservations")).rejects.toThrow(
      "permission denied for table reservations",
    );
    await expect(monitor.query("CREATE TABLE x (id int)")).rejects.toThrow(
      "cannot execute CREATE TABLE in a read-only transaction",
    );
  } finally {
    await Promise.all([monitor.end(), app.end()]);
  }
});

test("a second run rotates the password: the old one no longer logs in", async () => {
  const run = await monitorRole(SECOND, "--connection-limit", "3");
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(
    "role bloom_monitor updated in bloom: pg_monitor, CONNECT ON DATABASE bloom; read-only sessions, statement_timeout 5s, at most 3 connections; it logs in and sees every session\n",
  );
  expect(await loginError(as("bloom_monitor", FIRST))).toBe('password authentication failed for user "bloom_monitor"');
  expect(await loginError(as("bloom_monitor", SECOND))).toBeUndefined();
});

test("a role of that name with more privileges (as the Neon API makes them) is refused and left as it was", async () => {
  await query(
    ownerUrl,
    "CREATE ROLE neon_superuser_standin NOLOGIN; CREATE ROLE api_made LOGIN CREATEDB PASSWORD 'x-Pw-11112222'",
  );
  await query(ownerUrl, "GRANT neon_superuser_standin TO api_made");
  const run = await monitorRole(FIRST, "--role", "api_made");
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    "bloom-dr monitor-role: role api_made already exists with more than a monitor needs (CREATEDB, member of neon_superuser_standin): roles made in the Neon Console or API join neon_superuser; drop it (DROP ROLE api_made) or choose another --role\n",
  );
  expect(await loginError(as("api_made", "x-Pw-11112222"))).toBeUndefined();
});

test("an owner that cannot create roles: exit 1, nothing created", async () => {
  await query(cluster.url(), "CREATE ROLE plain_user LOGIN PASSWORD 'plain-Pw-55556666'");
  const run = await startCli(["monitor-role", "--db", as("plain_user", "plain-Pw-55556666"), "--role", "never_made"], {
    ...process.env,
    BLOOM_DR_MONITOR_PASSWORD: FIRST,
  }).done;
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    "bloom-dr monitor-role: role plain_user cannot create roles (no CREATEROLE): connect as the database owner (Neon: the project's owner role; RDS: the master user)\n",
  );
  expect(await query(cluster.url(), "SELECT 1 FROM pg_roles WHERE rolname = 'never_made'")).toEqual([]);
});

test("usage errors exit 2 before connecting", async () => {
  expect((await monitorRole(undefined)).stderr).toBe(
    "bloom-dr monitor-role: BLOOM_DR_MONITOR_PASSWORD is not set: put the monitor role's password in the environment\n",
  );
  const short = await monitorRole("short", "--json");
  expect(short.code).toBe(2);
  expect(JSON.parse(short.stdout).error).toBe(
    "the monitor password must be at least 16 characters without spaces or control characters",
  );
  expect((await monitorRole(FIRST, "--connection-limit", "0")).stderr).toBe(
    "bloom-dr monitor-role: --connection-limit must be a whole number from 1 to 100 (got 0)\n",
  );
});

test.each([
  [{ role: "Bloom", password: FIRST, connectionLimit: 5 }, /must be a lowercase PostgreSQL identifier/],
  [{ role: "pg_probe", password: FIRST, connectionLimit: 5 }, /must not start with pg_/],
  [{ role: "ok_name", password: `${FIRST} x`, connectionLimit: 5 }, /without spaces/],
  [{ role: "ok_name", password: FIRST, connectionLimit: 101 }, /from 1 to 100/],
])("request check %#", (request, problem) => {
  expect(monitorRoleRequestProblem(request)).toMatch(problem);
});

test("excess privileges, named", () => {
  const plain = {
    rolsuper: false,
    rolcreaterole: false,
    rolcreatedb: false,
    rolreplication: false,
    rolbypassrls: false,
    member_of: ["pg_monitor"],
  };
  expect(excessPrivileges(plain)).toBeUndefined();
  expect(excessPrivileges({ ...plain, rolsuper: true, member_of: ["neon_superuser", "pg_monitor"] })).toBe(
    "SUPERUSER, member of neon_superuser",
  );
});
