/**
 * The contract between the infrastructure and the handlers inside the backup image: environment
 * variable names, handler commands, and the rule that no credential ever travels in the
 * environment (anyone with lambda:GetFunctionConfiguration or ecs:DescribeTaskDefinition can read
 * it). Pure (no @pulumi import).
 */
import { ENV } from "../runtime/handlers/contract";

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
} as const;

/** Lambda handler strings (image CMD override), relative to LAMBDA_TASK_ROOT (runtime/Dockerfile). */
export const HANDLER_COMMANDS = {
  backup: "runtime/handlers/dump.handler",
  restoreTest: "runtime/handlers/restoreTest.handler",
  /** The promotion step of an active failover (`bloom-dr promote` in the DR VPC). */
  promote: "runtime/handlers/promote.handler",
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
  readonly failoverMode: "standby" | "active";
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
