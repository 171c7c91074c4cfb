import {
  HANDLER_COMMANDS,
  JOB_ENV,
  assertNoCredentials,
  dumpJobEnvironment,
  promoteJobEnvironment,
  replicateJobEnvironment,
  restoreJobEnvironment,
} from "../../components/jobEnvironment";
import { ENV, REPLICATE_ENV } from "../../runtime/handlers/contract";
import { dumpSettingsFromEnv, restoreTestSettingsFromEnv } from "../../runtime/handlers/environment";

const BASE = { bucket: "vault", prefix: "production/", kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" };
const BASE_BACKUP_VARIABLES = { BACKUP_BUCKET: "vault", BACKUP_PREFIX: "production/" };

test("dump job environment holds exactly the secret ARN, bucket, prefix and key", () => {
  expect(dumpJobEnvironment({ ...BASE, sourceSecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:src" })).toEqual({
    SOURCE_URL_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:src",
    BACKUP_BUCKET: "vault",
    BACKUP_PREFIX: "production/",
    BACKUP_KMS_KEY_ID: "arn:aws:kms:us-east-1:1:key/k",
  });
});

test.each([
  [undefined, 8],
  ["select count(*) from orders", 9],
])("restore environment with smoke query %s has %i variables", (smokeQuery, count) => {
  const environment = restoreJobEnvironment({
    ...BASE,
    targetSecretArn: "arn:s",
    targetHost: "db.local",
    targetPort: 5432,
    targetDatabase: "restore_test",
    smokeQuery,
    failoverMode: "standby",
  });
  expect(Object.keys(environment)).toHaveLength(count);
  expect(environment[JOB_ENV.targetPort]).toBe("5432");
  expect(environment[JOB_ENV.smokeQuery]).toBe(smokeQuery);
});

test.each([
  ["postgresql://app:s3cret@ep-1.aws.neon.tech/db"],
  ["postgres://u:p@host:5432/db?sslmode=require"],
  ["host=db user=app password=hunter2"],
  ["HTTPS://user:tok@example.com/"],
])("refuses a credential: %s", (value) => {
  expect(() => assertNoCredentials({ DATABASE_URL: value })).toThrow(
    "environment variable DATABASE_URL holds a credential; pass a Secrets Manager ARN instead",
  );
  try {
    assertNoCredentials({ DATABASE_URL: value });
  } catch (error) {
    expect(String(error)).not.toContain(value);
  }
});

test.each([
  ["postgresql://ep-1.aws.neon.tech/db"],
  ["postgresql://app@ep-1.aws.neon.tech/db"],
  ["arn:aws:secretsmanager:us-east-1:123456789012:secret:src-AbCdEf"],
  ["production/"],
])("accepts a value without credentials: %s", (value) => {
  expect(assertNoCredentials({ X: value })).toEqual({ X: value });
});

test("the handlers parse what the components set", () => {
  const dump = dumpSettingsFromEnv(dumpJobEnvironment({ ...BASE, sourceSecretArn: "arn:src" }));
  expect(dump).toMatchObject({
    bucket: "vault",
    prefix: "production/",
    sourceUrlSecretArn: "arn:src",
    kmsKeyId: BASE.kmsKeyArn,
  });
  const restore = restoreTestSettingsFromEnv(
    restoreJobEnvironment({
      ...BASE,
      targetSecretArn: "arn:master",
      targetHost: "db.internal",
      targetPort: 5433,
      targetDatabase: "app",
      smokeQuery: "select 1",
      failoverMode: "standby",
    }),
  );
  expect(restore).toMatchObject({
    targetSecretArn: "arn:master",
    target: { host: "db.internal", port: 5433, database: "app" },
    smokeQuery: "select 1",
  });
});

test("a restore job aimed at an active (live) instance is refused by the handler it configures", () => {
  const environment = restoreJobEnvironment({
    ...BASE,
    targetSecretArn: "arn:master",
    targetHost: "db.internal",
    targetPort: 5432,
    targetDatabase: "app",
    failoverMode: "active",
  });
  expect(environment[JOB_ENV.failoverMode]).toBe("active");
  expect(() => restoreTestSettingsFromEnv(environment)).toThrow(
    'environment variable FAILOVER_MODE is "active": the restore test wipes its target (--clean) and runs only against a standby (FAILOVER_MODE=standby)',
  );
});

describe("promotion environment", () => {
  const PROMOTE = {
    ...BASE,
    targetSecretArn: "arn:aws:secretsmanager:us-west-2:1:secret:rds!db",
    targetHost: "db.abc.us-west-2.rds.amazonaws.com",
    targetPort: 5432,
    targetDatabase: "bloom",
    appRole: "bloom_app",
    appPasswordSecretArn: "arn:aws:secretsmanager:us-west-2:1:secret:app-password",
    maxBackupAgeHours: 26,
    allowStaleBackup: false,
  };

  test("the restore test's target and backup variables, mode active, and the app role's settings by the contract's names", () => {
    expect(promoteJobEnvironment(PROMOTE)).toEqual({
      [ENV.backupBucket]: "vault",
      [ENV.backupPrefix]: "production/",
      [ENV.backupKmsKeyId]: BASE.kmsKeyArn,
      [ENV.targetSecretArn]: PROMOTE.targetSecretArn,
      [ENV.targetHost]: PROMOTE.targetHost,
      [ENV.targetPort]: "5432",
      [ENV.targetDatabase]: "bloom",
      [ENV.failoverMode]: "active",
      [ENV.promoteAppRole]: "bloom_app",
      [ENV.promoteAppPasswordSecretArn]: PROMOTE.appPasswordSecretArn,
      [ENV.promoteMaxAgeHours]: "26",
      [ENV.promoteAllowStale]: "false",
    });
  });

  test.each([
    [{ smokeQuery: "select count(*) from users" }, ENV.smokeQuery, "select count(*) from users"],
    [{ restoreJobs: 4 }, ENV.restoreJobs, "4"],
    [{ allowStaleBackup: true }, ENV.promoteAllowStale, "true"],
    [{ maxBackupAgeHours: 48 }, ENV.promoteMaxAgeHours, "48"],
  ])("%j sets %s to %s", (extra, name, value) => {
    expect(promoteJobEnvironment({ ...PROMOTE, ...extra })[name]).toBe(value);
  });

  test("the password travels as its secret's ARN: a value with credentials is refused, naming the variable only", () => {
    expect(() => promoteJobEnvironment({ ...PROMOTE, targetHost: "postgresql://bloom_app:pw@db/bloom" })).toThrow(
      "environment variable RESTORE_TARGET_HOST holds a credential; pass a Secrets Manager ARN instead",
    );
  });

  test("the promote and replicate handlers are separate commands of the same image", () => {
    expect(HANDLER_COMMANDS).toEqual({
      backup: "runtime/handlers/dump.handler",
      restoreTest: "runtime/handlers/restoreTest.handler",
      promote: "runtime/handlers/promote.handler",
      replicate: "runtime/handlers/replicate.handler",
    });
  });

  test("a stack whose primary publishes logical replication also names the source's secret", () => {
    const source = "arn:aws:secretsmanager:us-west-2:1:secret:replication-source";
    const environment = promoteJobEnvironment({ ...PROMOTE, replicationSourceSecretArn: source });
    expect(environment).toEqual({ ...promoteJobEnvironment(PROMOTE), [REPLICATE_ENV.sourceSecretArn]: source });
  });
});

describe("replicate environment", () => {
  const REPLICATE = {
    targetSecretArn: "arn:aws:secretsmanager:us-west-2:1:secret:rds!db",
    targetHost: "db.abc.us-west-2.rds.amazonaws.com",
    targetPort: 5432,
    targetDatabase: "bloom",
    appRole: "bloom_app",
    sourceSecretArn: "arn:aws:secretsmanager:us-west-2:1:secret:replication-source",
    publication: "bloom_dr",
    subscription: "bloom_dr",
    maxLagSeconds: 60,
    metricDimension: "dr/bloom_dr",
  };

  test("the restore test's target variables, mode replica, the app role and the replication settings by the contract's names", () => {
    expect(replicateJobEnvironment(REPLICATE)).toEqual({
      [ENV.targetSecretArn]: REPLICATE.targetSecretArn,
      [ENV.targetHost]: REPLICATE.targetHost,
      [ENV.targetPort]: "5432",
      [ENV.targetDatabase]: "bloom",
      [ENV.failoverMode]: "replica",
      [ENV.promoteAppRole]: "bloom_app",
      [REPLICATE_ENV.sourceSecretArn]: REPLICATE.sourceSecretArn,
      [REPLICATE_ENV.publication]: "bloom_dr",
      [REPLICATE_ENV.subscription]: "bloom_dr",
      [REPLICATE_ENV.maxLagSeconds]: "60",
      [REPLICATE_ENV.metricDimension]: "dr/bloom_dr",
    });
  });

  test("the source travels as its secret's ARN: a URL with credentials is refused, naming the variable only", () => {
    expect(() =>
      replicateJobEnvironment({
        ...REPLICATE,
        sourceSecretArn: "postgresql://bloom_replicator:pw@ep-1.aws.neon.tech/bloom",
      }),
    ).toThrow(
      "environment variable REPLICATE_SOURCE_SECRET_ARN holds a credential; pass a Secrets Manager ARN instead",
    );
  });

  test("a restore test configured like the replicate function refuses to run", () => {
    const environment = { ...replicateJobEnvironment(REPLICATE), ...BASE_BACKUP_VARIABLES };
    expect(() => restoreTestSettingsFromEnv(environment)).toThrow(
      'environment variable FAILOVER_MODE is "replica": the restore test wipes its target (--clean) and runs only against a standby (FAILOVER_MODE=standby)',
    );
  });
});
