import {
  dumpSettingsFromEnv,
  promoteSettingsFromEnv,
  replicateSettingsFromEnv,
  restoreTestSettingsFromEnv,
  vaultStoreSpec,
} from "../../../runtime/handlers/environment";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf";

describe("vaultStoreSpec", () => {
  test.each([
    ["vault", "production/", "s3://vault/production"],
    ["vault", "/production", "s3://vault/production"],
    ["vault", "a/b/", "s3://vault/a/b"],
    ["vault", "", "s3://vault"],
    ["vault", "/", "s3://vault"],
  ])("%s + %p → %s", (bucket, prefix, spec) => {
    expect(vaultStoreSpec(bucket, prefix)).toBe(spec);
  });
});

describe("dumpSettingsFromEnv", () => {
  test("reads every variable and keeps the prefix as configured for the metric dimension", () => {
    expect(
      dumpSettingsFromEnv({
        SOURCE_URL_SECRET_ARN: ARN,
        BACKUP_BUCKET: "bloom-vault",
        BACKUP_PREFIX: "production/",
        BACKUP_KMS_KEY_ID: "alias/k",
      }),
    ).toEqual({
      sourceUrlSecretArn: ARN,
      bucket: "bloom-vault",
      prefix: "production/",
      storeSpec: "s3://bloom-vault/production",
      kmsKeyId: "alias/k",
    });
  });

  test("the KMS key and prefix are optional", () => {
    expect(
      dumpSettingsFromEnv({ SOURCE_URL_SECRET_ARN: ARN, BACKUP_BUCKET: "bloom-vault", BACKUP_KMS_KEY_ID: " " }),
    ).toEqual({
      sourceUrlSecretArn: ARN,
      bucket: "bloom-vault",
      prefix: "",
      storeSpec: "s3://bloom-vault",
      kmsKeyId: undefined,
    });
  });

  test.each([
    [{ BACKUP_BUCKET: "bloom-vault" }, /^environment variable SOURCE_URL_SECRET_ARN is not set: it must hold the ARN/],
    [{ SOURCE_URL_SECRET_ARN: ARN }, /^environment variable BACKUP_BUCKET is not set/],
    [
      { SOURCE_URL_SECRET_ARN: ARN, BACKUP_BUCKET: "s3://bloom-vault" },
      /BACKUP_BUCKET "s3:\/\/bloom-vault" is not a valid S3 bucket name/,
    ],
    [{ SOURCE_URL_SECRET_ARN: ARN, BACKUP_BUCKET: "Bloom_Vault" }, /is not a valid S3 bucket name/],
    [{ SOURCE_URL_SECRET_ARN: ARN, BACKUP_BUCKET: "vault", BACKUP_PREFIX: "../x" }, /BACKUP_PREFIX "..\/x" must use/],
    [{ SOURCE_URL_SECRET_ARN: ARN, BACKUP_BUCKET: "vault", BACKUP_PREFIX: "a b" }, /BACKUP_PREFIX "a b" must use/],
  ])("%p is refused", (env, message) => {
    expect(() => dumpSettingsFromEnv(env)).toThrow(message);
  });
});

describe("restoreTestSettingsFromEnv", () => {
  const base = {
    BACKUP_BUCKET: "vault",
    BACKUP_PREFIX: "production/",
    RESTORE_TARGET_SECRET_ARN: ARN,
    RESTORE_TARGET_HOST: "standby.rds.example",
    FAILOVER_MODE: "standby",
  };

  test("defaults: port 5432, database app, verify-full against the bundled RDS CA, no smoke query", () => {
    expect(restoreTestSettingsFromEnv(base)).toEqual({
      bucket: "vault",
      prefix: "production/",
      storeSpec: "s3://vault/production",
      targetSecretArn: ARN,
      target: {
        host: "standby.rds.example",
        port: 5432,
        database: "app",
        sslmode: "verify-full",
        sslrootcert: "/opt/rds/global-bundle.pem",
      },
      smokeQuery: undefined,
      jobs: undefined,
    });
  });

  test.each([
    [{ RESTORE_TARGET_SSLMODE: "disable" }, { sslmode: "disable", sslrootcert: undefined }],
    [
      { RESTORE_TARGET_SSLMODE: "require", RESTORE_TARGET_SSLROOTCERT: "/x.pem" },
      { sslmode: "require", sslrootcert: undefined },
    ],
    [
      { RESTORE_TARGET_SSLMODE: "verify-ca", RESTORE_TARGET_SSLROOTCERT: "/x.pem" },
      { sslmode: "verify-ca", sslrootcert: "/x.pem" },
    ],
    [
      { RESTORE_TARGET_PORT: "6543", RESTORE_TARGET_DATABASE: "bloom" },
      { port: 6543, database: "bloom" },
    ],
  ])("overrides %p", (extra, expected) => {
    expect(restoreTestSettingsFromEnv({ ...base, ...extra }).target).toMatchObject(expected);
  });

  test("smoke query and jobs", () => {
    const s = restoreTestSettingsFromEnv({
      ...base,
      RESTORE_SMOKE_QUERY: "SELECT 1 FROM clients LIMIT 1",
      RESTORE_JOBS: "4",
    });
    expect(s.smokeQuery).toBe("SELECT 1 FROM clients LIMIT 1");
    expect(s.jobs).toBe(4);
  });

  test.each([
    [{ RESTORE_TARGET_HOST: "" }, /RESTORE_TARGET_HOST is not set/],
    [
      { RESTORE_TARGET_SECRET_ARN: undefined },
      /RESTORE_TARGET_SECRET_ARN is not set: it must hold the ARN of the standby's RDS master user secret/,
    ],
    [{ RESTORE_TARGET_PORT: "0" }, /RESTORE_TARGET_PORT is "0": it must be a whole number from 1 to 65535/],
    [{ RESTORE_TARGET_PORT: "5432x" }, /RESTORE_TARGET_PORT is "5432x"/],
    [{ RESTORE_JOBS: "0" }, /RESTORE_JOBS is "0": it must be a whole number from 1 to 64/],
    [
      { FAILOVER_MODE: undefined },
      /FAILOVER_MODE is not set: the restore test wipes its target \(--clean\) and runs only against a standby/,
    ],
    [{ FAILOVER_MODE: "active" }, /FAILOVER_MODE is "active": the restore test wipes its target/],
  ])("%p is refused", (extra, message) => {
    expect(() => restoreTestSettingsFromEnv({ ...base, ...extra })).toThrow(message);
  });
});

describe("promoteSettingsFromEnv", () => {
  const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-password-AbCdEf";
  const base = {
    BACKUP_BUCKET: "vault",
    BACKUP_PREFIX: "production/",
    RESTORE_TARGET_SECRET_ARN: ARN,
    RESTORE_TARGET_HOST: "failover.rds.example",
    FAILOVER_MODE: "active",
    PROMOTE_APP_PASSWORD_SECRET_ARN: APP_ARN,
  };

  test("defaults: the restore test's target, app role bloom_app, 26 h, stale backups refused", () => {
    expect(promoteSettingsFromEnv(base)).toEqual({
      bucket: "vault",
      prefix: "production/",
      storeSpec: "s3://vault/production",
      targetSecretArn: ARN,
      target: {
        host: "failover.rds.example",
        port: 5432,
        database: "app",
        sslmode: "verify-full",
        sslrootcert: "/opt/rds/global-bundle.pem",
      },
      smokeQuery: undefined,
      jobs: undefined,
      appRole: "bloom_app",
      appPasswordSecretArn: APP_ARN,
      maxAgeHours: 26,
      allowStale: false,
    });
  });

  test("overrides", () => {
    expect(
      promoteSettingsFromEnv({
        ...base,
        PROMOTE_APP_ROLE: "clinic_app",
        PROMOTE_MAX_AGE_HOURS: "48",
        PROMOTE_ALLOW_STALE: "true",
        RESTORE_SMOKE_QUERY: "SELECT 1",
        RESTORE_JOBS: "2",
      }),
    ).toMatchObject({ appRole: "clinic_app", maxAgeHours: 48, allowStale: true, smokeQuery: "SELECT 1", jobs: 2 });
  });

  test.each([
    [
      { FAILOVER_MODE: "standby" },
      /^environment variable FAILOVER_MODE is "standby": the promotion step .* runs only while failover is active \(FAILOVER_MODE=active\)$/,
    ],
    [{ FAILOVER_MODE: undefined }, /^environment variable FAILOVER_MODE is not set: the promotion step/],
    [
      { PROMOTE_APP_PASSWORD_SECRET_ARN: "" },
      /PROMOTE_APP_PASSWORD_SECRET_ARN is not set: it must hold the ARN of the secret holding the app role's password/,
    ],
    [{ PROMOTE_ALLOW_STALE: "yes" }, /PROMOTE_ALLOW_STALE is "yes": it must be true or false/],
    [{ PROMOTE_MAX_AGE_HOURS: "0" }, /PROMOTE_MAX_AGE_HOURS is "0": it must be a whole number from 1 to 8784/],
    [{ RESTORE_TARGET_HOST: undefined }, /RESTORE_TARGET_HOST is not set/],
  ])("%p is refused", (extra, message) => {
    expect(() => promoteSettingsFromEnv({ ...base, ...extra })).toThrow(message);
  });
});

describe("secretsManagerConfig", () => {
  const { secretsManagerConfig } =
    require("../../../runtime/handlers/dependencies") as typeof import("../../../runtime/handlers/dependencies");
  test.each([
    [{}, {}],
    [
      { AWS_ENDPOINT_URL: "http://a", AWS_DEFAULT_REGION: "eu-west-1" },
      { endpoint: "http://a", region: "eu-west-1" },
    ],
    [
      { AWS_ENDPOINT_URL: "http://a", AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://sm", AWS_REGION: "us-west-2" },
      { endpoint: "http://sm", region: "us-west-2" },
    ],
    [
      { AWS_ACCESS_KEY_ID: "AK", AWS_SECRET_ACCESS_KEY: "SK" },
      { credentials: { accessKeyId: "AK", secretAccessKey: "SK", sessionToken: undefined } },
    ],
    [{ AWS_ACCESS_KEY_ID: "AK" }, {}],
  ])("%p → %p", (env, config) => {
    expect(secretsManagerConfig(env)).toEqual(config);
  });
});

describe("replicateSettingsFromEnv", () => {
  const SOURCE_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:replication-url-AbCdEf";
  const base = {
    RESTORE_TARGET_SECRET_ARN: ARN,
    RESTORE_TARGET_HOST: "failover.rds.example",
    REPLICATE_SOURCE_SECRET_ARN: SOURCE_ARN,
  };

  test("defaults: the restore test's target (no vault needed), bloom_dr names, 60 s, the subscription as the dimension", () => {
    expect(replicateSettingsFromEnv(base)).toEqual({
      targetSecretArn: ARN,
      target: {
        host: "failover.rds.example",
        port: 5432,
        database: "app",
        sslmode: "verify-full",
        sslrootcert: "/opt/rds/global-bundle.pem",
      },
      sourceSecretArn: SOURCE_ARN,
      publication: "bloom_dr",
      subscription: "bloom_dr",
      maxLagSeconds: 60,
      metricDimension: "bloom_dr",
      appRole: "bloom_app",
    });
  });

  test("overrides", () => {
    expect(
      replicateSettingsFromEnv({
        ...base,
        REPLICATE_PUBLICATION: "bloom_pub",
        REPLICATE_SUBSCRIPTION: "dr_sub",
        REPLICATE_MAX_LAG_SECONDS: "30",
        REPLICATE_METRIC_DIMENSION: "dr/dr_sub",
        PROMOTE_APP_ROLE: "clinic_app",
      }),
    ).toMatchObject({
      publication: "bloom_pub",
      subscription: "dr_sub",
      maxLagSeconds: 30,
      metricDimension: "dr/dr_sub",
      appRole: "clinic_app",
    });
  });

  test.each([
    [
      { REPLICATE_SOURCE_SECRET_ARN: "" },
      /^environment variable REPLICATE_SOURCE_SECRET_ARN is not set: it must hold the ARN/,
    ],
    [
      { REPLICATE_SUBSCRIPTION: "dr-sub" },
      /^environment variable REPLICATE_SUBSCRIPTION: subscription name "dr-sub" is not usable/,
    ],
    [
      { REPLICATE_PUBLICATION: "pg_x" },
      /^environment variable REPLICATE_PUBLICATION: publication name "pg_x" is not usable/,
    ],
    [
      { REPLICATE_MAX_LAG_SECONDS: "0" },
      /^environment variable REPLICATE_MAX_LAG_SECONDS is "0": it must be a whole number from 1/,
    ],
    [{ RESTORE_TARGET_HOST: "" }, /^environment variable RESTORE_TARGET_HOST is not set/],
  ])("%p is refused", (extra, message) => {
    expect(() => replicateSettingsFromEnv({ ...base, ...extra })).toThrow(message);
  });

  test("the promotion step reads the replica's source and subscription when the stack sets them", () => {
    expect(
      promoteSettingsFromEnv({
        BACKUP_BUCKET: "vault",
        RESTORE_TARGET_SECRET_ARN: ARN,
        RESTORE_TARGET_HOST: "failover.rds.example",
        FAILOVER_MODE: "active",
        PROMOTE_APP_PASSWORD_SECRET_ARN: ARN,
        REPLICATE_SOURCE_SECRET_ARN: SOURCE_ARN,
        REPLICATE_SUBSCRIPTION: "dr_sub",
      }),
    ).toMatchObject({ replicaSourceSecretArn: SOURCE_ARN, subscription: "dr_sub" });
  });
});
