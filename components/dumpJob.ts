import * as pulumi from "@pulumi/pulumi";

export type BackupRunner = "lambda" | "fargate";

/** Where a Fargate task runs. It needs a route to ECR, S3, Secrets Manager and the database. */
export interface FargateNetworkArgs {
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Default: a security group created here with egress only. */
    readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default true (public subnets of the default VPC); set false behind a NAT gateway. */
    readonly assignPublicIp?: boolean;
}

export interface DumpJobArgs {
    readonly vaultBucketName: pulumi.Input<string>;
    readonly vaultBucketArn: pulumi.Input<string>;
    readonly vaultKeyArn: pulumi.Input<string>;
    /** Key prefix the job may write under. Default "production/". */
    readonly prefix?: string;
    /** The primary's direct (non-pooled) URL; a secret input, stored in Secrets Manager. */
    readonly sourceDatabaseUrl: pulumi.Input<string>;
    /** Scheduler expression (rate(...) or cron(...)), UTC. Default "cron(0 2 * * ? *)". */
    readonly schedule?: string;
    /** Minutes past the schedule interval before the staleness alarm fires. Default 60. */
    readonly stalenessGraceMinutes?: number;
    /** Default "lambda"; "fargate" for dumps longer than Lambda's 15 minutes. */
    readonly runner?: BackupRunner;
    /** SEV-2 SNS topic that both alarms notify. */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** Lambda memory, MB. Default 2048. */
    readonly memorySizeMb?: number;
    /** Lambda /tmp size, MB. Default 10240 (the maximum; dumps stream, restore checks spill). */
    readonly ephemeralStorageMb?: number;
    /** Fargate only; default: the default VPC's subnets with a public IP. */
    readonly fargateNetwork?: FargateNetworkArgs;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class DumpJob extends pulumi.ComponentResource {
    declare public readonly repositoryUrl: pulumi.Output<string>;
    /** Digest-pinned image reference (repo@sha256:...); the DR stack may reuse it. */
    declare public readonly imageUri: pulumi.Output<string>;
    declare public readonly sourceSecretArn: pulumi.Output<string>;
    declare public readonly scheduleArn: pulumi.Output<string>;
    declare public readonly deadLetterQueueArn: pulumi.Output<string>;
    declare public readonly errorAlarmArn: pulumi.Output<string>;
    declare public readonly stalenessAlarmArn: pulumi.Output<string>;
    /** Lambda function name, or the ECS task definition family for fargate. */
    declare public readonly runnerName: pulumi.Output<string>;

    constructor(name: string, args: DumpJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("bloom-dr:backup:DumpJob", name, {}, opts);
        this.repositoryUrl = pulumi.output("");
        this.imageUri = pulumi.output("");
        this.sourceSecretArn = pulumi.output("");
        this.scheduleArn = pulumi.output("");
        this.deadLetterQueueArn = pulumi.output("");
        this.errorAlarmArn = pulumi.output("");
        this.stalenessAlarmArn = pulumi.output("");
        this.runnerName = pulumi.output("");
        this.registerOutputs({});
    }
}
