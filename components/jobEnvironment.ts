/**
 * The contract between the infrastructure and the handlers inside the backup image: environment
 * variable names, handler commands, and the rule that no credential ever travels in the
 * environment (anyone with lambda:GetFunctionConfiguration or ecs:DescribeTaskDefinition can read
 * it). Pure, so runtime/ can import it and the names cannot drift apart.
 */

export const JOB_ENV = {
    /** Secrets Manager ARN of the database URL to dump (the primary's direct URL). */
    sourceSecretArn: "BLOOM_DR_SOURCE_SECRET_ARN",
    /** Vault bucket name. */
    bucket: "BLOOM_DR_BUCKET",
    /** Key prefix inside the vault, ending in "/"; also the metric dimension value. */
    prefix: "BLOOM_DR_PREFIX",
    /** KMS key the vault encrypts with (sent as SSE-KMS key id on upload). */
    kmsKeyArn: "BLOOM_DR_KMS_KEY_ARN",
    /** Restore test: Secrets Manager ARN of the RDS-managed master secret ({username,password}). */
    targetSecretArn: "BLOOM_DR_TARGET_SECRET_ARN",
    /** Restore test: the instance host, port and the scratch database the test restores into. */
    targetHost: "BLOOM_DR_TARGET_HOST",
    targetPort: "BLOOM_DR_TARGET_PORT",
    targetDatabase: "BLOOM_DR_TARGET_DATABASE",
    /** Restore test: optional SQL that must succeed (and return a row) on the restored database. */
    smokeQuery: "BLOOM_DR_SMOKE_QUERY",
} as const;

/** Lambda handler strings (image CMD override), relative to the image's working directory. */
export const HANDLER_COMMANDS = {
    backup: "runtime/handlers/backup.handler",
    restoreTest: "runtime/handlers/restoreTest.handler",
} as const;

/**
 * Command of the Fargate variant: the Lambda base image's entrypoint is the Lambda runtime, so
 * the task runs the same handler through a plain node entry instead.
 */
export const FARGATE_BACKUP_COMMAND = ["node", "runtime/dist/task.js", "backup"] as const;

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
}

export function restoreJobEnvironment(args: Omit<RestoreJobEnvironmentArgs, "sourceSecretArn">): Record<string, string> {
    return assertNoCredentials({
        [JOB_ENV.bucket]: args.bucket,
        [JOB_ENV.prefix]: args.prefix,
        [JOB_ENV.kmsKeyArn]: args.kmsKeyArn,
        [JOB_ENV.targetSecretArn]: args.targetSecretArn,
        [JOB_ENV.targetHost]: args.targetHost,
        [JOB_ENV.targetPort]: String(args.targetPort),
        [JOB_ENV.targetDatabase]: args.targetDatabase,
        ...(args.smokeQuery === undefined ? {} : { [JOB_ENV.smokeQuery]: args.smokeQuery }),
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
