/**
 * The environment contract between the Pulumi components (which set these variables on the Lambda
 * function and the Fargate task) and the handlers. Pure: reads a plain object, throws one-line
 * errors that name the variable.
 */

export const ENV = {
  /** Secrets Manager ARN of the source database's direct URL (dump job). */
  sourceUrlSecretArn: "SOURCE_URL_SECRET_ARN",
  backupBucket: "BACKUP_BUCKET",
  /** Key prefix inside the bucket, e.g. "production/"; also the metrics' Prefix dimension. */
  backupPrefix: "BACKUP_PREFIX",
  /** Optional KMS key for SSE-KMS on the dump's objects (default: the bucket's default encryption). */
  backupKmsKeyId: "BACKUP_KMS_KEY_ID",
  /** RDS-managed master user secret of the standby (restore test). */
  targetSecretArn: "RESTORE_TARGET_SECRET_ARN",
  targetHost: "RESTORE_TARGET_HOST",
  /** Default 5432. */
  targetPort: "RESTORE_TARGET_PORT",
  /** Default "app" (FailoverDatabase's default database name). */
  targetDatabase: "RESTORE_TARGET_DATABASE",
  /** Default "verify-full": RDS presents a certificate of the RDS CA bundled in the image. */
  targetSslMode: "RESTORE_TARGET_SSLMODE",
  /** Default "/opt/rds/global-bundle.pem" (downloaded into the image by runtime/Dockerfile). */
  targetSslRootCert: "RESTORE_TARGET_SSLROOTCERT",
  /** Optional SQL run on the restored standby; it must succeed and return at least one row. */
  smokeQuery: "RESTORE_SMOKE_QUERY",
  /**
   * "standby" or "active": the mode the target instance serves in. The restore test restores with
   * --clean, so it refuses to run unless this says standby (a manual invoke while failover is
   * active would wipe the database the app is using).
   */
  failoverMode: "FAILOVER_MODE",
  /** pg_restore -j for the restore test; default the cores the function has. */
  restoreJobs: "RESTORE_JOBS",
} as const;

export const RDS_CA_BUNDLE_PATH = "/opt/rds/global-bundle.pem";

export interface VaultSettings {
  bucket: string;
  /** As configured ("production/"): the metrics' dimension value. */
  prefix: string;
  /** "s3://bucket/production": what openStore() takes. */
  storeSpec: string;
}

export interface DumpSettings extends VaultSettings {
  sourceUrlSecretArn: string;
  kmsKeyId?: string;
}

export interface RestoreTestSettings extends VaultSettings {
  targetSecretArn: string;
  target: { host: string; port: number; database: string; sslmode: string; sslrootcert?: string };
  smokeQuery?: string;
  jobs?: number;
}

export function dumpSettingsFromEnv(env: NodeJS.ProcessEnv): DumpSettings {
  return {
    ...vaultSettings(env),
    sourceUrlSecretArn: required(env, ENV.sourceUrlSecretArn, "the ARN of the secret holding the source database URL"),
    kmsKeyId: optional(env, ENV.backupKmsKeyId),
  };
}

export function restoreTestSettingsFromEnv(env: NodeJS.ProcessEnv): RestoreTestSettings {
  const mode = optional(env, ENV.failoverMode);
  if (mode !== "standby") {
    throw new Error(
      `environment variable ${ENV.failoverMode} is ${mode === undefined ? "not set" : `"${mode}"`}: the restore test wipes its target (--clean) and runs only against a standby (${ENV.failoverMode}=standby)`,
    );
  }
  const sslmode = optional(env, ENV.targetSslMode) ?? "verify-full";
  const verifies = sslmode === "verify-full" || sslmode === "verify-ca";
  const jobs = optional(env, ENV.restoreJobs);
  return {
    ...vaultSettings(env),
    targetSecretArn: required(env, ENV.targetSecretArn, "the ARN of the standby's RDS master user secret"),
    target: {
      host: required(env, ENV.targetHost, "the standby instance's endpoint address"),
      port: wholeNumber(env, ENV.targetPort, 5432, 1, 65535),
      database: optional(env, ENV.targetDatabase) ?? "app",
      sslmode,
      sslrootcert: verifies ? (optional(env, ENV.targetSslRootCert) ?? RDS_CA_BUNDLE_PATH) : undefined,
    },
    smokeQuery: optional(env, ENV.smokeQuery),
    jobs: jobs === undefined ? undefined : wholeNumber(env, ENV.restoreJobs, 1, 1, 64),
  };
}

/** "s3://bucket/prefix" from a bucket and a prefix given with or without slashes. */
export function vaultStoreSpec(bucket: string, prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  return trimmed ? `s3://${bucket}/${trimmed}` : `s3://${bucket}`;
}

function vaultSettings(env: NodeJS.ProcessEnv): VaultSettings {
  const bucket = required(env, ENV.backupBucket, "the backup vault's bucket name");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(
      `${ENV.backupBucket} "${bucket}" is not a valid S3 bucket name: set it to the vault bucket's name (no s3:// prefix)`,
    );
  }
  const prefix = optional(env, ENV.backupPrefix) ?? "";
  if (prefix.includes("..") || /[^A-Za-z0-9/._-]/.test(prefix)) {
    throw new Error(
      `${ENV.backupPrefix} "${prefix}" must use letters, digits, "/", ".", "_" and "-" only, e.g. "production/"`,
    );
  }
  return { bucket, prefix, storeSpec: vaultStoreSpec(bucket, prefix) };
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new Error(`environment variable ${name} is not set: it must hold ${what}`);
  return value;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`environment variable ${name} is "${raw}": it must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}
