/**
 * The dump and restore-test handler cores against real services on loopback: PostgreSQL clusters,
 * s3rver through the AWS SDK, and a Secrets Manager JSON-protocol server through the AWS SDK.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { HandlerDependencies } from "../../../runtime/handlers/dependencies";
import { runDumpJob } from "../../../runtime/handlers/dump";
import { runDumpTask } from "../../../runtime/handlers/dumpTask";
import { runRestoreTest } from "../../../runtime/handlers/restoreTest";
import { secretsManagerReader } from "../../../runtime/handlers/secrets";
import { createDatabase, query, startTestCluster, tableDigests } from "../../support/postgres";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";

let cluster: LocalCluster;
let src: string;
let s3: TestS3Server;
let sm: SecretsManagerServer;
let smClient: SecretsManagerClient;
let sourceArn: string;
let standbyArn: string;

const PREFIX = "production/";
/** The jobs' clock: fixed, an hour after the database server's clock when the tests start. */
let CLOCK: Date;
/** What the age metrics must say for a backup taken at snapshotAt, by that clock. */
const ageAt = (snapshotAt: string) => Math.round((CLOCK.getTime() - Date.parse(snapshotAt)) / 1000);

function dependencies(env: NodeJS.ProcessEnv, lines: string[]): HandlerDependencies {
  return {
    env: { ...s3.env, ...env },
    readSecret: secretsManagerReader(smClient),
    now: () => CLOCK,
    writeLine: (l) => lines.push(l),
    openStore,
  };
}

function emf(lines: string[]): Record<string, any>[] {
  return lines.map((l) => JSON.parse(l)).filter((o) => o._aws);
}

function dumpEnv(secretArn = sourceArn): NodeJS.ProcessEnv {
  return { SOURCE_URL_SECRET_ARN: secretArn, BACKUP_BUCKET: s3.bucket, BACKUP_PREFIX: PREFIX };
}

function restoreEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    BACKUP_BUCKET: s3.bucket,
    BACKUP_PREFIX: PREFIX,
    RESTORE_TARGET_SECRET_ARN: standbyArn,
    RESTORE_TARGET_HOST: "127.0.0.1",
    FAILOVER_MODE: "standby",
    RESTORE_TARGET_PORT: String(cluster.port),
    RESTORE_TARGET_DATABASE: "standby",
    RESTORE_TARGET_SSLMODE: "disable",
    ...extra,
  };
}

beforeAll(async () => {
  [cluster, s3, sm] = await Promise.all([startTestCluster("handlers"), startS3Server(), startSecretsManagerServer()]);
  smClient = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
  });
  const [{ now }] = await query<{ now: Date }>(cluster.url(), "SELECT clock_timestamp() AS now");
  CLOCK = new Date(now.getTime() + 3_600_000);
  src = await createDatabase(cluster, "bloom_src");
  await generateBloomDatabase(src, 0.01);
  await createDatabase(cluster, "standby");
  sourceArn = sm.put("bloom-dr/source-url", src);
  standbyArn = sm.put("rds!db-standby", JSON.stringify({ username: cluster.superuser, password: cluster.password }));
});

afterAll(async () => {
  smClient?.destroy();
  await Promise.all([cluster?.destroy(), s3?.stop(), sm?.close()]);
});

describe("runDumpJob", () => {
  let firstId: string;
  let firstSnapshotAt: string;

  test("backs up to s3://bucket/prefix and emits the success metrics under the prefix dimension", async () => {
    const lines: string[] = [];
    const outcome = await runDumpJob(dependencies(dumpEnv(), lines));
    firstId = outcome.id;
    firstSnapshotAt = outcome.snapshotAt;
    expect(outcome).toMatchObject({ ok: true, store: `s3://${s3.bucket}/production`, bytes: expect.any(Number) });
    expect(await s3.listKeys(PREFIX)).toEqual(
      [`${PREFIX}${firstId}.dump`, `${PREFIX}${firstId}.json`, `${PREFIX}latest.json`].sort(),
    );
    const [metrics] = emf(lines);
    expect(metrics._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: "BloomDR",
      Dimensions: [["Prefix"]],
      Metrics: [
        { Name: "BackupSucceeded", Unit: "Count" },
        { Name: "BackupFailed", Unit: "Count" },
        { Name: "BackupBytes", Unit: "Bytes" },
        { Name: "BackupDurationMs", Unit: "Milliseconds" },
        { Name: "LastBackupAgeSeconds", Unit: "Seconds" },
      ],
    });
    expect(metrics).toMatchObject({
      Prefix: PREFIX,
      BackupSucceeded: 1,
      BackupFailed: 0,
      BackupBytes: outcome.bytes,
      BackupDurationMs: outcome.durationMs,
      backupId: firstId,
    });
    expect(metrics.LastBackupAgeSeconds).toBe(ageAt(outcome.snapshotAt));
    expect(metrics._aws.Timestamp).toBe(CLOCK.getTime());
    expect(sm.requests.at(-1)).toMatchObject({
      target: "secretsmanager.GetSecretValue",
      secretId: sourceArn,
      authorized: true,
    });
    expect(lines.join("\n")).not.toContain(cluster.password);
  });

  test("wrong credentials in the secret: throws one line without the password, BackupFailed=1, store unchanged", async () => {
    const badArn = sm.put("bloom-dr/bad-source", src.replace(encodeURIComponent(cluster.password), "Wr0ngPassw0rd"));
    const before = await s3.listKeys();
    const lines: string[] = [];
    const error = await runDumpJob(dependencies(dumpEnv(badArn), lines)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^backup to s3:\/\/bloom-vault\/production failed: .*password authentication failed/,
    );
    expect((error as Error).message).not.toContain("\n");
    expect((error as Error).message + lines.join("\n")).not.toContain("Wr0ngPassw0rd");
    const [metrics] = emf(lines);
    expect(metrics).toMatchObject({ Prefix: PREFIX, BackupSucceeded: 0, BackupFailed: 1 });
    // the staleness alarm still sees the age of the newest good backup
    expect(metrics.LastBackupAgeSeconds).toBe(ageAt(firstSnapshotAt));
    expect(await s3.listKeys()).toEqual(before);
    expect(await s3.listMultipartUploads()).toEqual([]);
  });

  test("a missing secret fails before anything is written", async () => {
    const lines: string[] = [];
    await expect(
      runDumpJob(dependencies(dumpEnv("arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf"), lines)),
    ).rejects.toThrow(/failed: cannot read secret arn:aws:secretsmanager:.*gone-AbCdEf: ResourceNotFoundException/);
    expect(emf(lines)[0]).toMatchObject({ BackupSucceeded: 0, BackupFailed: 1 });
  });

  test("a misconfigured environment throws naming the variable", async () => {
    await expect(runDumpJob(dependencies({ BACKUP_BUCKET: s3.bucket }, []))).rejects.toThrow(
      /SOURCE_URL_SECRET_ARN is not set/,
    );
  });

  test("the Fargate task entry exits 0 on success and 1 on failure", async () => {
    expect(await runDumpTask(() => dependencies(dumpEnv(), []))).toBe(0);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(
        await runDumpTask(() =>
          dependencies(dumpEnv("arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf"), []),
        ),
      ).toBe(1);
      expect(stderr).toHaveBeenCalledWith(
        expect.stringMatching(/^bloom-dr dump task: backup to .* failed: cannot read secret/),
      );
    } finally {
      stderr.mockRestore();
    }
  });
});

describe("runRestoreTest", () => {
  test("restores the newest backup into a non-empty standby with --clean, runs the smoke query, emits metrics", async () => {
    const standby = cluster.url("standby");
    // an earlier restore left data behind: --clean replaces it
    await query(
      standby,
      "CREATE TABLE clients (id bigint primary key, full_name text); INSERT INTO clients VALUES (1, 'stale')",
    );
    const lines: string[] = [];
    const outcome = await runRestoreTest(
      dependencies(restoreEnv({ RESTORE_SMOKE_QUERY: "SELECT id FROM clients ORDER BY id LIMIT 3" }), lines),
    );
    expect(outcome).toMatchObject({
      ok: true,
      target: { host: "127.0.0.1", port: cluster.port, database: "standby" },
      tables: 5,
      smokeQueryRows: 3,
    });
    expect(await tableDigests(standby)).toEqual(await tableDigests(src));
    const { connectMs, downloadMs, restoreMs, validateMs } = outcome.phases;
    expect(connectMs + downloadMs + restoreMs + validateMs).toBeCloseTo(outcome.totalMs, 0);
    const [metrics] = emf(lines);
    expect(metrics).toMatchObject({
      Prefix: PREFIX,
      RestoreSucceeded: 1,
      RestoreFailed: 0,
      RestoreDurationMs: outcome.totalMs,
      RestoreValidatedTables: 5,
      backupId: outcome.backupId,
    });
    expect(metrics.RestoredBackupAgeSeconds).toBe(ageAt(outcome.snapshotAt));
    expect(lines.join("\n")).not.toContain(cluster.password);
  });

  test("a failing smoke query fails the run: RestoreFailed=1 and a one-line error without the password", async () => {
    const lines: string[] = [];
    const error = await runRestoreTest(
      dependencies(restoreEnv({ RESTORE_SMOKE_QUERY: "SELECT * FROM no_such_table" }), lines),
    ).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /^restore test of s3:\/\/bloom-vault\/production into 127\.0\.0\.1\/standby failed: smoke query failed: .*no_such_table/,
    );
    expect((error as Error).message).not.toContain(cluster.password);
    expect(emf(lines)[0]).toMatchObject({ RestoreSucceeded: 0, RestoreFailed: 1 });
  });

  test("a secret that is not an RDS master secret is refused without echoing it", async () => {
    const arn = sm.put("rds!db-bad", "hunter2-not-json");
    const lines: string[] = [];
    const error = await runRestoreTest(dependencies(restoreEnv({ RESTORE_TARGET_SECRET_ARN: arn }), lines)).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/not the JSON of an RDS master user secret/);
    expect((error as Error).message).not.toContain("hunter2");
    expect(emf(lines)[0]).toMatchObject({ RestoreFailed: 1 });
  });
});
