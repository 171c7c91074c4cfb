/**
 * The replicate handler's core (setup and status) and the promotion step on a replica (replica ->
 * active), against real services on loopback: two PostgreSQL clusters (the source as a
 * non-superuser REPLICATION role; the target as its superuser, which PostgreSQL 15 requires for
 * subscriptions where RDS lets its master do it) and a Secrets Manager server through the AWS SDK.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { runPromoteJob } from "../../../runtime/handlers/promote";
import {
  parseEvent,
  ReplicateDependencies,
  runReplicateJob,
  runReplicateStatusJob,
} from "../../../runtime/handlers/replicate";
import { secretsManagerReader } from "../../../runtime/handlers/secrets";
import { parseReplicationSetupResult } from "../../../components/replicationResult";
import { HandlerDependencies } from "../../../runtime/handlers/dependencies";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, tableDigests } from "../../support/postgres";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";
import { ReplicaWorld, slotsOn, startReplicaWorld } from "../replicate/support";

const NOW = new Date("2027-03-01T10:00:00.000Z");
const APP_PASSWORD = "stack-generated_app-pw";

let world: ReplicaWorld;
let sm: SecretsManagerServer;
let smClient: SecretsManagerClient;
let env: NodeJS.ProcessEnv;
let secrets: string[];

function deps(lines: string[], extra: NodeJS.ProcessEnv = {}): ReplicateDependencies {
  return {
    env: { ...env, ...extra },
    readSecret: secretsManagerReader(smClient),
    now: () => NOW,
    writeLine: (l) => lines.push(l),
  };
}

const emf = (lines: string[]) => lines.filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l));

beforeAll(async () => {
  [world, sm] = await Promise.all([startReplicaWorld("replicate-handler"), startSecretsManagerServer()]);
  await world.replicaDatabase("failover");
  smClient = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
  });
  env = {
    RESTORE_TARGET_SECRET_ARN: sm.put(
      "rds!db-failover",
      JSON.stringify({ username: world.target.superuser, password: world.target.password }),
    ),
    RESTORE_TARGET_HOST: "127.0.0.1",
    RESTORE_TARGET_PORT: String(world.target.port),
    RESTORE_TARGET_DATABASE: "failover",
    RESTORE_TARGET_SSLMODE: "disable",
    REPLICATE_SOURCE_SECRET_ARN: sm.put("bloom-dr/replication-url", world.sourceUrl),
    REPLICATE_METRIC_DIMENSION: "dr/bloom_dr",
    REPLICATE_MAX_LAG_SECONDS: "3600",
  };
  secrets = [world.target.password, world.owner.password, APP_PASSWORD];
});
afterAll(async () => {
  smClient?.destroy();
  await Promise.all([world?.destroy(), sm?.close()]);
});

function expectNoSecret(text: string): void {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

test.each([[{}], [null], [{ action: "restore" }], ["setup"]])(
  "an event without a known action is refused: %j",
  (event) => {
    expect(() => parseEvent(event)).toThrow(
      /has no known action: send \{"action": "setup"\} or \{"action": "status"\}$/,
    );
  },
);

test("setup (as pulumi up invokes it): exactly the contract, changed; a second run changes nothing", async () => {
  const lines: string[] = [];
  const first = await runReplicateJob({ action: "setup" }, deps(lines));
  // what the dr stack's invocation reads from this answer (the Lambda returns it as JSON)
  expect(parseReplicationSetupResult(JSON.stringify(first))).toEqual({
    changed: true,
    tables: 6,
    publication: "bloom_dr",
    subscription: "bloom_dr",
  });
  expect(first).toEqual({
    ok: true,
    action: "setup",
    changed: true,
    tables: 6,
    publication: "bloom_dr",
    subscription: "bloom_dr",
  });
  expect(await tableDigests(world.target.url("failover"))).toEqual(await tableDigests(world.sourceUrl));
  expect(await runReplicateJob({ action: "setup" }, deps(lines))).toEqual({
    ok: true,
    action: "setup",
    changed: false,
    tables: 6,
    publication: "bloom_dr",
    subscription: "bloom_dr",
  });
  const events = lines.map((l) => JSON.parse(l).event);
  expect(events.filter((e) => e !== "replicate.notice")).toEqual(["replicate.setup", "replicate.setup"]);
  expectNoSecret(lines.join("\n"));
});

test("status: the four metrics under the Subscription dimension, lag in bytes since the source answered", async () => {
  const lines: string[] = [];
  const status = await runReplicateJob({ action: "status" }, deps(lines));
  expect(status).toMatchObject({ ok: true, tablesNotSyncing: 0, lag: { basis: "source" } });
  const [line] = emf(lines);
  expect(line._aws).toEqual({
    Timestamp: NOW.getTime(),
    CloudWatchMetrics: [
      {
        Namespace: "BloomDR",
        Dimensions: [["Subscription"]],
        Metrics: [
          { Name: "ReplicationStatusCompleted", Unit: "Count" },
          { Name: "ReplicationTablesNotSyncing", Unit: "Count" },
          { Name: "ReplicationLagSeconds", Unit: "Seconds" },
          { Name: "ReplicationLagBytes", Unit: "Bytes" },
        ],
      },
    ],
  });
  expect(line).toMatchObject({
    Subscription: "dr/bloom_dr",
    ReplicationStatusCompleted: 1,
    ReplicationTablesNotSyncing: 0,
    ReplicationLagSeconds: expect.any(Number),
    ReplicationLagBytes: expect.any(Number),
    ok: true,
    lagBasis: "source",
  });
  expect(lines.map((l) => JSON.parse(l).event ?? "emf")).toEqual(["emf", "replicate.status"]);
  expectNoSecret(lines.join("\n"));
});

test("status without the source's secret: still reports, from the replica's view, without lag in bytes", async () => {
  const lines: string[] = [];
  const status = await runReplicateStatusJob(
    deps(lines, { REPLICATE_SOURCE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf" }),
  );
  expect(status.lag.basis).toBe("last-message");
  const [line] = emf(lines);
  expect(line).toMatchObject({ ReplicationStatusCompleted: 1, ReplicationTablesNotSyncing: 0 });
  expect(line).not.toHaveProperty("ReplicationLagBytes");
  expect(JSON.parse(lines[0]).message).toMatch(
    /^source not read: cannot read secret .*gone-AbCdEf: ResourceNotFoundException/,
  );
});

test("lag over the limit is a metric value and a logged problem, not a thrown error", async () => {
  const lines: string[] = [];
  await query(world.sourceUrl, "CREATE TABLE rooms (id int PRIMARY KEY)");
  try {
    const status = await runReplicateStatusJob(deps(lines));
    expect(status.ok).toBe(false);
    expect(emf(lines)[0]).toMatchObject({ ReplicationTablesNotSyncing: 1, ReplicationStatusCompleted: 1, ok: false });
    expect(JSON.parse(lines[1])).toMatchObject({ event: "replicate.status.problem", level: "info" });
  } finally {
    await query(world.sourceUrl, "DROP TABLE rooms");
  }
});

test("a target it cannot read: the heartbeat as 0, then one thrown line without a password", async () => {
  const lines: string[] = [];
  await expect(runReplicateStatusJob(deps(lines, { RESTORE_TARGET_DATABASE: "no_such_db" }))).rejects.toThrow(
    /^replicate status of 127\.0\.0\.1:\d+\/no_such_db failed: cannot connect to the target database .*no_such_db.* does not exist; check the URL, the user and the password$/,
  );
  expect(emf(lines)).toEqual([expect.objectContaining({ ReplicationStatusCompleted: 0, Subscription: "dr/bloom_dr" })]);
  expect(emf(lines)[0]).not.toHaveProperty("ReplicationLagSeconds");
  expectNoSecret(lines.join("\n"));
});

test("setup failing fails the invocation with one line (the stack's update fails)", async () => {
  const lines: string[] = [];
  await expect(
    runReplicateJob({ action: "setup" }, deps(lines, { REPLICATE_SUBSCRIPTION: "Not-A-Name" })),
  ).rejects.toThrow(/^environment variable REPLICATE_SUBSCRIPTION: subscription name "Not-A-Name" is not usable/);
});

test("replica -> active: the promotion step takes the replica path by itself, drains, drops the slot, marks serving", async () => {
  const lines: string[] = [];
  const promoteDeps: HandlerDependencies = {
    ...deps(lines, {
      FAILOVER_MODE: "active",
      BACKUP_BUCKET: "vault-not-used",
      PROMOTE_APP_PASSWORD_SECRET_ARN: sm.put("bloom-dr/app-password", APP_PASSWORD),
      RESTORE_SMOKE_QUERY: "SELECT id FROM clinics",
    }),
    openStore,
  };
  const outcome = await runPromoteJob(promoteDeps);
  expect(outcome).toEqual({
    ok: true,
    path: "replica",
    backupId: "replica:bloom_dr",
    snapshotAt: NOW.toISOString(),
    rpoSeconds: 0,
    servingSince: NOW.toISOString(),
    appRole: "bloom_app",
    phases: {
      connectMs: expect.any(Number),
      drainMs: expect.any(Number),
      releaseMs: expect.any(Number),
      sequencesMs: expect.any(Number),
      roleMs: expect.any(Number),
      smokeMs: expect.any(Number),
      markMs: expect.any(Number),
    },
    totalMs: expect.any(Number),
  });
  expect(await slotsOn(world.source)).toEqual([]);
  const appUrl = `postgresql://bloom_app:${encodeURIComponent(APP_PASSWORD)}@127.0.0.1:${world.target.port}/failover`;
  expect(await query(appUrl, "SELECT current_user AS me, count(*)::int AS n FROM clinics")).toEqual([
    { me: "bloom_app", n: 2 },
  ]);
  expectNoSecret(lines.join("\n"));
  // and the status check now says there is nothing to replicate into (the stack stops scheduling it)
  const after: string[] = [];
  const status = await runReplicateStatusJob(deps(after));
  expect(status).toMatchObject({ ok: false, exists: false });
  expect(emf(after)[0]).toMatchObject({ ReplicationTablesNotSyncing: 1, ReplicationStatusCompleted: 1 });
});
