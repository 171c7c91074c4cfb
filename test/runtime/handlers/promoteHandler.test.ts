/**
 * The promotion step's handler core and the restore test's defence in depth, against real services
 * on loopback: PostgreSQL with an RDS-like master (no superuser), s3rver and a Secrets Manager
 * server through the AWS SDK. The order is the failover's: the dump job backs up, the restore
 * test keeps the standby, the promotion step makes it serving, and the restore test then refuses it.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { HandlerDependencies } from "../../../runtime/handlers/dependencies";
import { runDumpJob } from "../../../runtime/handlers/dump";
import { runPromoteJob } from "../../../runtime/handlers/promote";
import { runRestoreTest } from "../../../runtime/handlers/restoreTest";
import { secretsManagerReader } from "../../../runtime/handlers/secrets";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { openStore } from "../../../runtime/lib/store/openStore";
import { query, startTestCluster, tableDigests } from "../../support/postgres";
import { createOwnedDatabase, createOwnerRole, OwnerRole } from "../../support/roles";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";

const APP_PASSWORD = "gener4ted-by-the-stack_xyz";
const PREFIX = "production/";

let cluster: LocalCluster;
let master: OwnerRole;
let src: string;
let s3: TestS3Server;
let sm: SecretsManagerServer;
let smClient: SecretsManagerClient;
let masterArn: string;
let appArn: string;
let snapshotAt: string;

/** The jobs' clock: an hour after the newest backup's snapshot unless a test moves it. */
let clock: Date;

function dependencies(env: NodeJS.ProcessEnv, lines: string[]): HandlerDependencies {
  return {
    env: { ...s3.env, ...env },
    readSecret: secretsManagerReader(smClient),
    now: () => clock,
    writeLine: (l) => lines.push(l),
    openStore,
  };
}

function targetEnv(database: string, mode: "standby" | "active", extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    BACKUP_BUCKET: s3.bucket,
    BACKUP_PREFIX: PREFIX,
    RESTORE_TARGET_SECRET_ARN: masterArn,
    RESTORE_TARGET_HOST: "127.0.0.1",
    RESTORE_TARGET_PORT: String(cluster.port),
    RESTORE_TARGET_DATABASE: database,
    RESTORE_TARGET_SSLMODE: "disable",
    FAILOVER_MODE: mode,
    PROMOTE_APP_PASSWORD_SECRET_ARN: appArn,
    ...extra,
  };
}

const logged = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  [cluster, s3, sm] = await Promise.all([
    startTestCluster("promote-handler"),
    startS3Server(),
    startSecretsManagerServer(),
  ]);
  smClient = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
  });
  master = await createOwnerRole(cluster, "rds_like_master");
  src = await createOwnedDatabase(cluster, await createOwnerRole(cluster, "neon_owner"), "bloom_src");
  await generateBloomDatabase(src, 0.01);
  masterArn = sm.put("rds!db-failover", JSON.stringify({ username: master.name, password: master.password }));
  appArn = sm.put("bloom-dr/app-password", APP_PASSWORD);
  clock = new Date();
  const sourceArn = sm.put("bloom-dr/source-url", src);
  const backup = await runDumpJob(
    dependencies({ SOURCE_URL_SECRET_ARN: sourceArn, BACKUP_BUCKET: s3.bucket, BACKUP_PREFIX: PREFIX }, []),
  );
  snapshotAt = backup.snapshotAt;
  clock = new Date(Date.parse(snapshotAt) + 3_600_000);
});

afterAll(async () => {
  smClient?.destroy();
  await Promise.all([cluster?.destroy(), s3?.stop(), sm?.close()]);
});

describe("standby -> active", () => {
  let standby: string;
  let backupId: string;

  beforeAll(async () => {
    standby = await createOwnedDatabase(cluster, master, "standby");
    backupId = (await runRestoreTest(dependencies(targetEnv("standby", "standby"), []))).backupId;
  });

  test("the promotion step takes the fast path and returns exactly the contract", async () => {
    const lines: string[] = [];
    const outcome = await runPromoteJob(
      dependencies(targetEnv("standby", "active", { RESTORE_SMOKE_QUERY: "SELECT id FROM clinics" }), lines),
    );
    expect(outcome).toEqual({
      ok: true,
      path: "fast",
      backupId,
      snapshotAt,
      rpoSeconds: 3600,
      servingSince: clock.toISOString(),
      appRole: "bloom_app",
      phases: {
        connectMs: expect.any(Number),
        checkMs: expect.any(Number),
        roleMs: expect.any(Number),
        smokeMs: expect.any(Number),
        markMs: expect.any(Number),
      },
      totalMs: expect.any(Number),
    });
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
    expect(logged(lines).map((l) => l.event)).toEqual(["promote.notice", "promote.complete"]);
    expect(logged(lines)[1]).toMatchObject({
      level: "info",
      path: "fast",
      backupId,
      target: `127.0.0.1:${cluster.port}/standby`,
    });
    expect(lines.join("\n")).not.toContain(APP_PASSWORD);
    expect(lines.join("\n")).not.toContain(master.password);
    expect(sm.requests.filter((r) => r.secretId === appArn && r.authorized)).not.toEqual([]);
    // the app's URL works with the password from the secret
    const appUrl = `postgresql://bloom_app:${encodeURIComponent(APP_PASSWORD)}@127.0.0.1:${cluster.port}/standby`;
    expect(await query(appUrl, "SELECT current_user AS me, count(*)::int AS n FROM clinics")).toEqual([
      { me: "bloom_app", n: 2 },
    ]);
  });

  test("invoked again (pulumi up re-run while active): already serving, nothing changed", async () => {
    const before = await tableDigests(standby);
    const outcome = await runPromoteJob(dependencies(targetEnv("standby", "active"), []));
    expect(outcome).toMatchObject({ ok: true, path: "already-serving", backupId, servingSince: clock.toISOString() });
    expect(await tableDigests(standby)).toEqual(before);
  });

  test.each(["standby", "active"] as const)(
    "the restore test refuses the serving database (FAILOVER_MODE=%s): one line, RestoreFailed=1, nothing changed",
    async (mode) => {
      const before = await tableDigests(standby);
      const lines: string[] = [];
      const error = await runRestoreTest(dependencies(targetEnv("standby", mode), lines)).catch((e: Error) => e);
      expect((error as Error).message).toMatch(
        mode === "standby"
          ? new RegExp(
              `^restore test of s3://bloom-vault/production into 127\\.0\\.0\\.1/standby failed: refusing to restore into 127\\.0\\.0\\.1:\\d+/standby: it is marked serving since ${clock.toISOString().replace(/\./g, "\\.")} \\(from backup ${backupId}, promoted by rds_like_master, app role bloom_app\\); nothing automated restores over a serving database`,
            )
          : /^environment variable FAILOVER_MODE is "active": the restore test wipes its target/,
      );
      expect((error as Error).message).not.toContain("\n");
      if (mode === "standby") expect(logged(lines)[0]).toMatchObject({ RestoreSucceeded: 0, RestoreFailed: 1 });
      expect(await tableDigests(standby)).toEqual(before);
    },
  );
});

describe("off -> active and refusals", () => {
  test("an empty instance is restored and promoted", async () => {
    await createOwnedDatabase(cluster, master, "empty");
    const outcome = await runPromoteJob(dependencies(targetEnv("empty", "active"), []));
    expect(outcome).toMatchObject({ path: "restored", rpoSeconds: 3600 });
    expect(Object.keys(outcome.phases)).toEqual([
      "connectMs",
      "checkMs",
      "downloadMs",
      "restoreMs",
      "validateMs",
      "roleMs",
      "smokeMs",
      "markMs",
    ]);
    expect(await tableDigests(cluster.url("empty"))).toEqual(await tableDigests(src));
  });

  test("a stale newest backup fails the step with the variable that accepts it, and changes nothing", async () => {
    await createOwnedDatabase(cluster, master, "stale");
    clock = new Date(Date.parse(snapshotAt) + 27 * 3_600_000);
    try {
      const lines: string[] = [];
      await expect(runPromoteJob(dependencies(targetEnv("stale", "active"), lines))).rejects.toThrow(
        /^refusing to promote backup \S+: its snapshot .* is 27\.0 h old, over the 26 h limit, .*: take a fresh backup if the primary is reachable, or accept this one on purpose \(set bloom-dr:failover\.allowStaleBackup: true in the dr stack, which sets PROMOTE_ALLOW_STALE=true on the promotion step\)$/,
      );
      expect(logged(lines)).toEqual([expect.objectContaining({ level: "error", event: "promote.failed" })]);
      expect(
        await query(cluster.url("stale"), "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'bloom_dr'"),
      ).toEqual([{ n: 0 }]);
      const accepted = await runPromoteJob(
        dependencies(targetEnv("stale", "active", { PROMOTE_ALLOW_STALE: "true" }), []),
      );
      expect(accepted).toMatchObject({ path: "restored", rpoSeconds: 27 * 3600 });
    } finally {
      clock = new Date(Date.parse(snapshotAt) + 3_600_000);
    }
  });

  test("a missing app password secret fails before the target is touched, naming the secret", async () => {
    await createOwnedDatabase(cluster, master, "no_password");
    const gone = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf";
    await expect(
      runPromoteJob(dependencies(targetEnv("no_password", "active", { PROMOTE_APP_PASSWORD_SECRET_ARN: gone }), [])),
    ).rejects.toThrow(
      /^cannot read secret arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf: ResourceNotFoundException/,
    );
    expect(
      await query(cluster.url("no_password"), "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'public'"),
    ).toEqual([{ n: 1 }]);
    expect(
      await query(cluster.url("no_password"), "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'clinics'"),
    ).toEqual([{ n: 0 }]);
  });

  test("a misconfigured step (standby mode) throws naming the variable", async () => {
    await expect(runPromoteJob(dependencies(targetEnv("empty", "standby"), []))).rejects.toThrow(
      /^environment variable FAILOVER_MODE is "standby": the promotion step/,
    );
  });
});
