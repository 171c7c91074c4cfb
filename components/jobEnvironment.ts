/**
 * The contract between the infrastructure and the handlers inside the backup image: environment
 * variable names, handler commands, and the rule that no credential ever travels in the
 * environment (anyone with lambda:GetFunctionConfiguration or ecs:DescribeTaskDefinition can read
 * it). Pure (no @pulumi import).
 */
import { ENV, REPLICATE_ENV, REPLICATE_HANDLER } from "../runtime/handlers/contract";

/** The handlers' names (the contract module owns them; imported so they cannot drift). */
export const JOB_ENV = {
  sourceSecretArn: ENV.sourceUrlSecretArn,
  bucket: ENV.backupBucket,
  prefix: ENV.backupPrefix,
  kmsKeyArn: ENV.backupKmsKeyId,
  targetSecretArn: ENV.targetSecretArn,
  targetHost: ENV.targetHost,
  targetPort: ENV.targetPort,
  targetDatabase: ENV.targetDatabase,
  smokeQuery: ENV.smokeQuery,
  failoverMode: ENV.failoverMode,
  restoreJobs: ENV.restoreJobs,
  promoteAppRole: ENV.promoteAppRole,
  promoteAppPasswordSecretArn: ENV.promoteAppPasswordSecretArn,
  promoteMaxAgeHours: ENV.promoteMaxAgeHours,
  promoteAllowStale: ENV.promoteAllowStale,
  replicateSourceSecretArn: REPLICATE_ENV.sourceSecretArn,
  replicatePublication: REPLICATE_ENV.publication,
  replicateSubscription: REPLICATE_ENV.subscription,
  replicateMaxLagSeconds: REPLICATE_ENV.maxLagSeconds,
  replicateMetricDimension: REPLICATE_ENV.metricDimension,
} as const;

/** Lambda handler strings (image CMD override), relative to LAMBDA_TASK_ROOT (runtime/Dockerfile). */
export const HANDLER_COMMANDS = {
  backup: "runtime/handlers/dump.handler",
  restoreTest: "runtime/handlers/restoreTest.handler",
  /** The promotion step of an active failover (`bloom-dr promote` in the DR VPC). */
  promote: "runtime/handlers/promote.handler",
  /** failover.mode replica: {"action":"setup"} during pulumi up, {"action":"status"} on a schedule. */
  replicate: REPLICATE_HANDLER,
} as const;

/**
 * Command of the Fargate variant: the Lambda base image's entrypoint is the Lambda runtime, so
 * the task runs the bundled task entry with node from the image's task root instead.
 */
export const FARGATE_BACKUP_COMMAND = ["node", "runtime/handlers/dumpTask.js"] as const;
/** LAMBDA_TASK_ROOT of the public.ecr.aws/lambda base images. */
export const IMAGE_TASK_ROOT = "/var/task";

export interface DumpJobEnvironmentArgs {
  readonly sourceSecretArn: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly kmsKeyArn: string;
}

export function dumpJobEnvironment(args: DumpJobEnvironmentArgs): Record<string, string> {
  return assertNoCredentials({
    [JOB_ENV.sourceSecretArn]: args.sourceSecretArn,
    [JOB_ENV.bucket]: args.bucket,
    [JOB_ENV.prefix]: args.prefix,
    [JOB_ENV.kmsKeyArn]: args.kmsKeyArn,
  });
}

export interface RestoreJobEnvironmentArgs extends DumpJobEnvironmentArgs {
  readonly targetSecretArn: string;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly targetDatabase: string;
  readonly smokeQuery?: string;
  /** The handler refuses to restore unless this is "standby". */
  readonly failoverMode: "standby" | "replica" | "active";
}

export function restoreJobEnvironment(
  args: Omit<RestoreJobEnvironmentArgs, "sourceSecretArn">,
): Record<string, string> {
  return assertNoCredentials({
    [JOB_ENV.bucket]: args.bucket,
    [JOB_ENV.prefix]: args.prefix,
    [JOB_ENV.kmsKeyArn]: args.kmsKeyArn,
    [JOB_ENV.targetSecretArn]: args.targetSecretArn,
    [JOB_ENV.targetHost]: args.targetHost,
    [JOB_ENV.targetPort]: String(args.targetPort),
    [JOB_ENV.targetDatabase]: args.targetDatabase,
    ...(args.smokeQuery === undefined ? {} : { [JOB_ENV.smokeQuery]: args.smokeQuery }),
    [JOB_ENV.failoverMode]: args.failoverMode,
  });
}

export interface PromoteJobEnvironmentArgs extends Omit<RestoreJobEnvironmentArgs, "failoverMode"> {
  /** The role the app connects as after failover (the handler's default is bloom_app). */
  readonly appRole: string;
  /** Secrets Manager ARN of the app role's password (plain-text SecretString). */
  readonly appPasswordSecretArn: string;
  /** A newest backup older than this is refused. */
  readonly maxBackupAgeHours: number;
  /** Accept a backup older than maxBackupAgeHours on purpose. */
  readonly allowStaleBackup: boolean;
  /** pg_restore -j; default (unset) the cores the function has. */
  readonly restoreJobs?: number;
  /**
   * A stack whose primary publishes logical replication: the Neon replication URL's secret, so
   * promoting a replica can drain its lag and drop its slot while the source is reachable.
   */
  readonly replicationSourceSecretArn?: string;
}

/**
 * The promotion function's environment: the restore test's target and backup variables, the
 * mode it serves in (always "active": promotion exists only then), and the app role's settings.
 * The password travels as a secret's ARN, never as a value.
 */
export function promoteJobEnvironment(
  args: Omit<PromoteJobEnvironmentArgs, "sourceSecretArn">,
): Record<string, string> {
  return assertNoCredentials({
    ...restoreJobEnvironment({ ...args, failoverMode: "active" }),
    ...(args.restoreJobs === undefined ? {} : { [JOB_ENV.restoreJobs]: String(args.restoreJobs) }),
    [JOB_ENV.promoteAppRole]: args.appRole,
    [JOB_ENV.promoteAppPasswordSecretArn]: args.appPasswordSecretArn,
    [JOB_ENV.promoteMaxAgeHours]: String(args.maxBackupAgeHours),
    [JOB_ENV.promoteAllowStale]: String(args.allowStaleBackup),
    ...(args.replicationSourceSecretArn === undefined
      ? {}
      : { [JOB_ENV.replicateSourceSecretArn]: args.replicationSourceSecretArn }),
  });
}

export interface ReplicateJobEnvironmentArgs {
  /** The failover instance, as its RDS master (the subscription's owner). */
  readonly targetSecretArn: string;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly targetDatabase: string;
  /** The role the copied schema is given to, the one promotion later serves (failover.appRole). */
  readonly appRole: string;
  /** Secrets Manager ARN whose SecretString is the Neon replication role's direct URL. */
  readonly sourceSecretArn: string;
  readonly publication: string;
  readonly subscription: string;
  /** The status check reports the replica behind beyond this lag (the alarm uses the same number). */
  readonly maxLagSeconds: number;
  /** The metrics' Subscription dimension, e.g. "dr/bloom_dr". */
  readonly metricDimension: string;
}

/**
 * The replicate function's environment (runtime/handlers/contract.ts, REPLICATE_ENV): the restore
 * test's target variables, FAILOVER_MODE=replica (a restore test configured like this refuses to
 * run), the app role (setup gives it the copied schema, as promotion would), and the replication
 * settings. Both credentials travel as secret ARNs.
 */
export function replicateJobEnvironment(args: ReplicateJobEnvironmentArgs): Record<string, string> {
  return assertNoCredentials({
    [JOB_ENV.targetSecretArn]: args.targetSecretArn,
    [JOB_ENV.targetHost]: args.targetHost,
    [JOB_ENV.targetPort]: String(args.targetPort),
    [JOB_ENV.targetDatabase]: args.targetDatabase,
    [JOB_ENV.failoverMode]: "replica",
    [JOB_ENV.promoteAppRole]: args.appRole,
    [JOB_ENV.replicateSourceSecretArn]: args.sourceSecretArn,
    [JOB_ENV.replicatePublication]: args.publication,
    [JOB_ENV.replicateSubscription]: args.subscription,
    [JOB_ENV.replicateMaxLagSeconds]: String(args.maxLagSeconds),
    [JOB_ENV.replicateMetricDimension]: args.metricDimension,
  });
}

/** user:password@ in any URL, or a libpq password=... keyword. */
const CREDENTIAL_PATTERNS = [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, /\bpassword\s*=/i];

/** Throws (naming the variable, never the value) when a value carries a credential. */
export function assertNoCredentials(environment: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(environment)) {
    if (CREDENTIAL_PATTERNS.some((pattern) => pattern.test(value))) {
      throw new Error(`environment variable ${name} holds a credential; pass a Secrets Manager ARN instead`);
    }
  }
  return environment;
}
