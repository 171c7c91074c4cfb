/**
 * The health probe's core against real PostgreSQL (as a pg_monitor role that is no superuser) and
 * its secret through the real AWS SDK against a Secrets Manager server on loopback: up, down
 * (refused), the pooled endpoint alone failing (its URL on a closed port), connection pressure, a
 * full server, a login that hangs, a wrong password, and the probe's own failure to read its secret.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import net from "node:net";
import { Client } from "pg";
import { runHealthProbe } from "../../../runtime/handlers/healthProbe";
import { healthProbeSettingsFromEnv, probeUrlsFromSecret } from "../../../runtime/handlers/healthProbeSettings";
import { secretsManagerReader } from "../../../runtime/handlers/secrets";
import { freeLoopbackPort } from "../../../runtime/lib/local/freePort";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { query, startTestCluster } from "../../support/postgres";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";

const MONITOR_PASSWORD = "monitor-Pw-5be1c0";
const OWNER_PASSWORD = "owner-Pw-90a7d2";
const NOW = new Date("2026-03-10T12:00:00Z");

let cluster: LocalCluster;
let tiny: LocalCluster;
let sm: SecretsManagerServer;
let smClient: SecretsManagerClient;
const held: Client[] = [];

const monitorUrl = (c: LocalCluster, port = c.port, password = MONITOR_PASSWORD) =>
  `postgresql://bloom_monitor:${password}@127.0.0.1:${port}/bloom`;

async function prepare(c: LocalCluster): Promise<void> {
  await query(
    c.url(),
    `CREATE ROLE bloom_owner LOGIN PASSWORD '${OWNER_PASSWORD}' CREATEDB CREATEROLE;
     CREATE ROLE bloom_monitor LOGIN PASSWORD '${MONITOR_PASSWORD}' CONNECTION LIMIT 5;
     GRANT pg_monitor TO bloom_monitor`,
  );
  await query(c.url(), "CREATE DATABASE bloom OWNER bloom_owner");
}

async function probe(urls: Record<string, string> | string, env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const arn = sm.put(
    `probe-${sm.requests.length}-${Math.random().toString(36).slice(2)}`,
    typeof urls === "string" ? urls : JSON.stringify(urls),
  );
  const run = runHealthProbe({
    env: { HEALTH_PROBE_SECRET_ARN: arn, HEALTH_PROBE_DATABASE: "bloom-production/bloom", ...env },
    readSecret: secretsManagerReader(smClient),
    now: () => NOW,
    writeLine: (l) => lines.push(l),
  });
  const outcome = await run.catch((err: Error) => err);
  for (const secret of [MONITOR_PASSWORD, OWNER_PASSWORD, cluster.password])
    expect(lines.join("\n")).not.toContain(secret);
  const emf = lines.map((l) => JSON.parse(l)).filter((o) => o._aws);
  expect(emf).toHaveLength(1);
  return { outcome, emf: emf[0], log: JSON.parse(lines[lines.length - 1]) };
}

/** The metric values of an EMF line, by name, and the names it declares. */
function metricsOf(emf: Record<string, any>): Record<string, number> {
  const declared = emf._aws.CloudWatchMetrics[0];
  expect(declared.Namespace).toBe("BloomDR");
  expect(declared.Dimensions).toEqual([["Database"]]);
  expect(emf.Database).toBe("bloom-production/bloom");
  expect(emf._aws.Timestamp).toBe(NOW.getTime());
  return Object.fromEntries(declared.Metrics.map((m: { Name: string }) => [m.Name, emf[m.Name]]));
}

beforeAll(async () => {
  [cluster, tiny, sm] = await Promise.all([
    startTestCluster("probe", { max_connections: "12", superuser_reserved_connections: "2" }),
    startTestCluster("probe-tiny", { max_connections: "3", superuser_reserved_connections: "0" }),
    startSecretsManagerServer(),
  ]);
  smClient = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
  });
  await Promise.all([prepare(cluster), prepare(tiny)]);
});

afterEach(async () => {
  await Promise.all(held.splice(0).map((c) => c.end().catch(() => undefined)));
});

afterAll(async () => {
  smClient?.destroy();
  await Promise.all([cluster?.destroy(), tiny?.destroy(), sm?.close()]);
});

test("up: both endpoints answer; usage counts this session, not the probe's other one", async () => {
  const { outcome, emf, log } = await probe({ direct: monitorUrl(cluster), pooled: monitorUrl(cluster) });
  expect(outcome).toMatchObject({
    status: "up",
    database: "bloom-production/bloom",
    endpoints: [
      { role: "direct", ok: true },
      { role: "pooled", ok: true },
    ],
    usage: { used: 1, usable: 10, max: 12, percent: 10 },
  });
  const metrics = metricsOf(emf);
  expect(metrics).toMatchObject({
    ProbeCompleted: 1,
    ProbeFailed: 0,
    EndpointsUp: 2,
    EndpointsDegraded: 0,
    DirectUp: 1,
    PooledUp: 1,
    ConnectionUsagePercent: 10,
    ConnectionsUsed: 1,
    MaxConnections: 12,
  });
  expect(typeof metrics.DirectLatencyMs).toBe("number");
  expect(emf._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: "ConnectionUsagePercent", Unit: "Percent" });
  expect(log).toMatchObject({ level: "info", event: "health-probe.up" });
});

test("down: both endpoints refused; a result, not an error, and no usage", async () => {
  const port = await freeLoopbackPort();
  const { outcome, emf, log } = await probe({ direct: monitorUrl(cluster, port), pooled: monitorUrl(cluster, port) });
  const line = `TCP: connection refused by 127.0.0.1:${port} (nothing listens there: the server is down or the port is wrong)`;
  expect(outcome).toEqual({
    status: "down",
    database: "bloom-production/bloom",
    endpoints: [
      { role: "direct", ok: false, ms: expect.any(Number), cause: line },
      { role: "pooled", ok: false, ms: expect.any(Number), cause: line },
    ],
  });
  expect(metricsOf(emf)).toEqual({
    ProbeCompleted: 1,
    ProbeFailed: 0,
    EndpointsUp: 0,
    EndpointsDegraded: 0,
    DirectUp: 0,
    PooledUp: 0,
  });
  expect(log.event).toBe("health-probe.down");
});

test("only the pooled endpoint fails: degraded, the direct one reads the usage", async () => {
  const port = await freeLoopbackPort();
  const { outcome, emf } = await probe({ direct: monitorUrl(cluster), pooled: monitorUrl(cluster, port) });
  expect(outcome).toMatchObject({ status: "degraded", usage: { percent: 10 } });
  expect(metricsOf(emf)).toMatchObject({ EndpointsUp: 1, EndpointsDegraded: 1, DirectUp: 1, PooledUp: 0 });
  expect(metricsOf(emf).PooledLatencyMs).toBeUndefined();
});

test("connection pressure: 8 sessions of the app and the probe's own are 90% of the usable slots", async () => {
  for (let n = 0; n < 8; n++) {
    const client = new Client({ connectionString: cluster.url("bloom"), application_name: "app" });
    await client.connect();
    held.push(client);
  }
  // superuser sessions count too: max_connections is server-wide
  const { outcome, emf } = await probe({ direct: monitorUrl(cluster), pooled: monitorUrl(cluster) });
  expect(outcome).toMatchObject({ status: "up", usage: { used: 9, usable: 10, max: 12, percent: 90 } });
  expect(metricsOf(emf)).toMatchObject({ ConnectionUsagePercent: 90, ConnectionsUsed: 9 });
});

test("a full server refuses the probe: both down, usage 100%", async () => {
  for (let n = 0; n < 3; n++) {
    const client = new Client({ connectionString: tiny.url("bloom") });
    await client.connect();
    held.push(client);
  }
  const { outcome, emf } = await probe({ direct: monitorUrl(tiny), pooled: monitorUrl(tiny) });
  expect(outcome).toMatchObject({
    status: "down",
    endpoints: [
      { cause: "auth: too many connections: sorry, too many clients already" },
      { cause: "auth: too many connections: sorry, too many clients already" },
    ],
  });
  const metrics = metricsOf(emf);
  expect(metrics).toMatchObject({ EndpointsUp: 0, ConnectionUsagePercent: 100 });
  expect(metrics.ConnectionsUsed).toBeUndefined();
});

test("a login that never completes times out after the configured seconds", async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const { outcome } = await probe({ direct: monitorUrl(cluster, port) }, { HEALTH_PROBE_TIMEOUT_MS: "500" });
    expect(outcome).toMatchObject({
      status: "down",
      endpoints: [
        { role: "direct", cause: `auth: 127.0.0.1:${port} did not finish the login within 0.5 s (timed out)` },
      ],
    });
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test("a wrong password is named by user, never shown", async () => {
  const { outcome } = await probe({ direct: monitorUrl(cluster, cluster.port, "stale-Pw-0000") });
  expect(outcome).toMatchObject({
    status: "down",
    endpoints: [
      { cause: 'auth: password authentication failed for user "bloom_monitor" (wrong password, or no such user)' },
    ],
  });
});

describe("the probe's own failure is not the database's", () => {
  test("an unreadable secret: ProbeFailed only, no endpoint metric, and the invocation fails", async () => {
    const lines: string[] = [];
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf";
    const run = runHealthProbe({
      env: { HEALTH_PROBE_SECRET_ARN: arn, HEALTH_PROBE_DATABASE: "bloom-production/bloom" },
      readSecret: secretsManagerReader(smClient),
      now: () => NOW,
      writeLine: (l) => lines.push(l),
    });
    await expect(run).rejects.toThrow(
      /^health probe of bloom-production\/bloom could not start: cannot read secret arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf: ResourceNotFoundException/,
    );
    const [emf, log] = lines.map((l) => JSON.parse(l));
    expect(emf._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: "ProbeFailed", Unit: "Count" }]);
    expect(emf.EndpointsUp).toBeUndefined();
    expect(log).toMatchObject({ level: "error", event: "health-probe.failed" });
  });

  test("a secret that is not the URLs' JSON fails the same way, without echoing it", async () => {
    const { outcome, emf } = await probe(`postgresql://bloom_monitor:${MONITOR_PASSWORD}@127.0.0.1/bloom`);
    expect((outcome as Error).message).toMatch(/could not start: secret .* is not JSON: store \{"direct"/);
    expect(Object.keys(metricsOf(emf))).toEqual(["ProbeFailed"]);
  });
});

describe("settings and secret shape", () => {
  test.each([
    [
      {},
      "environment variable HEALTH_PROBE_SECRET_ARN is not set: it must hold the ARN of the monitor role's URLs secret",
    ],
    [
      { HEALTH_PROBE_SECRET_ARN: "arn" },
      "environment variable HEALTH_PROBE_DATABASE is not set: it must name the watched database (the metrics' dimension)",
    ],
    [
      { HEALTH_PROBE_SECRET_ARN: "arn", HEALTH_PROBE_DATABASE: "db", HEALTH_PROBE_TIMEOUT_MS: "5s" },
      'environment variable HEALTH_PROBE_TIMEOUT_MS must be whole milliseconds between 100 and 60000 (got "5s")',
    ],
  ])("%j: %s", (env, message) => {
    expect(() => healthProbeSettingsFromEnv(env)).toThrow(message);
  });

  test("defaults and the URLs' JSON", () => {
    expect(healthProbeSettingsFromEnv({ HEALTH_PROBE_SECRET_ARN: "a", HEALTH_PROBE_DATABASE: "d" })).toEqual({
      secretArn: "a",
      database: "d",
      timeoutMs: 5000,
    });
    expect(probeUrlsFromSecret('{"direct":"postgresql://m:p@h/db"}', "arn")).toEqual({
      direct: "postgresql://m:p@h/db",
    });
    expect(() => probeUrlsFromSecret('{"direct":"mysql://m:p@h/db"}', "arn")).toThrow(
      'secret arn: "direct" is not a postgresql:// URL',
    );
    expect(() => probeUrlsFromSecret('{"pooled":"postgresql://m:p@h/db"}', "arn")).toThrow(
      'secret arn has no "direct" URL',
    );
  });
});
