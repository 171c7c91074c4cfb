/**
 * The environment contract between the Pulumi components (which set these variables on the Lambda
 * function and the Fargate task) and the handlers (which read them, in ./environment.ts). Names
 * only: this module imports nothing, so components/ can depend on it without pulling in handler
 * code, and the handlers without pulling in Pulumi.
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
