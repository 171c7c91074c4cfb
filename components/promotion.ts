/**
 * The promotion step of an active failover: a Lambda function running `bloom-dr promote`'s code
 * (runtime/handlers/promote.handler, the restore test's image) in the failover VPC, and its
 * synchronous invocation during `pulumi up`. The invocation (aws.lambda.Invocation, lifecycle
 * scope CREATE_ONLY) runs once when it is created, and again only when it is replaced (its
 * function, input or triggers change); a FunctionError fails the resource, and with it the update
 * before anything that depends on it (the app's DATABASE_URL) changes. See docs/aws-components.md.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { promoteJobPolicy, ReplicationSourceAccess } from "./iamPolicies";
import { lambdaErrorAlarm } from "./jobAlarms";
import { HANDLER_COMMANDS, promoteJobEnvironment } from "./jobEnvironment";
import { createLambdaIdentity, imageFunctionInputs } from "./lambdaIdentity";
import { PromotionSummary, parsePromotionResult } from "./promotionResult";
import { RESTORE_JOB_DEFAULTS } from "./restoreJob";

/** The handler's event (the contract with runtime/handlers/promote.ts): no parameters, all in the environment. */
export const PROMOTE_EVENT = "{}";

export interface PromotionArgs {
  readonly imageUri: pulumi.Input<string>;
  readonly vaultBucketName: pulumi.Input<string>;
  readonly vaultBucketArn: pulumi.Input<string>;
  readonly vaultKeyArn: pulumi.Input<string>;
  readonly backupPrefix: pulumi.Input<string>;
  readonly masterSecretArn: pulumi.Input<string>;
  /** The failover database's key: it encrypts both the master secret and the app password. */
  readonly databaseKeyArn: pulumi.Input<string>;
  readonly appPasswordSecretArn: pulumi.Input<string>;
  readonly appRole: string;
  readonly maxBackupAgeHours: number;
  readonly allowStaleBackup: boolean;
  /** The instance; the invocation is keyed to its identifier, so a replaced instance is promoted again. */
  readonly instance: aws.rds.Instance;
  readonly database: string;
  readonly smokeQuery?: string;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  /** What must be in place before promotion starts (the restore test disabled, the password stored). */
  readonly after: pulumi.Resource[];
  /**
   * A stack whose primary publishes logical replication: the Neon URL's secret, so that promoting
   * a replica drains its lag and drops its slot while the source is reachable.
   */
  readonly replicationSource?: pulumi.Output<ReplicationSourceAccess>;
  /** Notified when the function fails (also when someone invokes it by hand). */
  readonly alarmTopicArn: pulumi.Input<string>;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface Promotion {
  readonly function: aws.lambda.Function;
  readonly invocation: aws.lambda.Invocation;
  /** The invocation's answer, checked: backup id, RPO, path... (the dr stack's failoverPromotion). */
  readonly summary: pulumi.Output<PromotionSummary>;
}

export function createPromotion(name: string, args: PromotionArgs, parent: pulumi.Resource): Promotion {
  const opts = { parent };
  const tags = args.tags;
  const { logGroup, role, rolePolicy } = createLambdaIdentity(
    name,
    {
      logRetentionDays: RESTORE_JOB_DEFAULTS.logRetentionDays,
      tags,
      policy: (logGroupArn) =>
        pulumi
          .all([
            args.vaultBucketArn,
            args.backupPrefix,
            args.vaultKeyArn,
            args.masterSecretArn,
            args.databaseKeyArn,
            args.appPasswordSecretArn,
            logGroupArn,
            args.replicationSource,
          ])
          .apply(
            ([bucketArn, prefix, vaultKeyArn, masterSecretArn, keyArn, appPasswordSecretArn, logGroupArn, source]) =>
              JSON.stringify(
                promoteJobPolicy({
                  bucketArn,
                  prefix,
                  vaultKeyArn,
                  masterSecretArn,
                  masterSecretKeyArn: keyArn,
                  appPasswordSecretArn,
                  appPasswordKeyArn: keyArn,
                  ...(source ? { replicationSource: source } : {}),
                  logGroupArn,
                }),
              ),
          ),
    },
    opts,
  );
  const fn = new aws.lambda.Function(
    `${name}-function`,
    {
      description: "bloom-dr promotion: the newest backup into the failover database, then serve the app",
      ...imageFunctionInputs({ role, logGroup }, args.imageUri, HANDLER_COMMANDS.promote),
      // Lambda's maximum; a restore that needs longer runs `bloom-dr promote` first (docs/aws-components.md).
      timeout: RESTORE_JOB_DEFAULTS.timeoutSeconds,
      memorySize: RESTORE_JOB_DEFAULTS.memorySizeMb,
      ephemeralStorage: { size: RESTORE_JOB_DEFAULTS.ephemeralStorageMb },
      vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
      environment: {
        variables: pulumi
          .all([
            args.vaultBucketName,
            args.backupPrefix,
            args.vaultKeyArn,
            args.masterSecretArn,
            args.instance.address,
            args.instance.port,
            args.appPasswordSecretArn,
            args.replicationSource,
          ])
          .apply(([bucket, prefix, kmsKeyArn, targetSecretArn, targetHost, targetPort, appPasswordSecretArn, source]) =>
            promoteJobEnvironment({
              bucket,
              prefix,
              kmsKeyArn,
              targetSecretArn,
              targetHost,
              targetPort,
              targetDatabase: args.database,
              smokeQuery: args.smokeQuery,
              appRole: args.appRole,
              appPasswordSecretArn,
              maxBackupAgeHours: args.maxBackupAgeHours,
              allowStaleBackup: args.allowStaleBackup,
              ...(source ? { replicationSourceSecretArn: source.secretArn } : {}),
            }),
          ),
      },
      tags,
    },
    { parent, dependsOn: [rolePolicy] },
  );
  const invocation = new aws.lambda.Invocation(
    name,
    {
      functionName: fn.name,
      input: PROMOTE_EVENT,
      // CREATE_ONLY (the default): a `pulumi up` that changes nothing here does not promote again.
      triggers: { instance: args.instance.identifier },
    },
    { parent, dependsOn: [fn, ...args.after] },
  );
  lambdaErrorAlarm(
    `${name}-errors`,
    fn.name,
    "bloom-dr promotion failed: the failover database does not serve the app; read the promotion function's log group",
    { topicArn: args.alarmTopicArn, parent, tags },
  );
  const summary = invocation.result.apply((result) => parsePromotionResult(result, args.appRole));
  return { function: fn, invocation, summary };
}
