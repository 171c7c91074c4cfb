import * as pulumi from "@pulumi/pulumi";

/** How S3 Object Lock treats the default retention (see docs/aws-components.md). */
export type ObjectLockMode = "GOVERNANCE" | "COMPLIANCE";

export interface BackupVaultArgs {
    /** Days a backup object (current and noncurrent versions) is kept. Default 35. */
    readonly retentionDays?: number;
    /** Default Object Lock retention in days; must be ≤ retentionDays. Default 14. */
    readonly objectLockDays?: number;
    /** Default "GOVERNANCE": only the break-glass role may bypass it (documented trade-off). */
    readonly objectLockMode?: ObjectLockMode;
    /** The only principal allowed to delete objects or change retention; none = nobody can. */
    readonly breakGlassRoleArn?: pulumi.Input<string>;
    /** Region of an optional replica vault (own key, own provider). Plain: decides existence. */
    readonly replicaRegion?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class BackupVault extends pulumi.ComponentResource {
    declare public readonly bucketName: pulumi.Output<string>;
    declare public readonly bucketArn: pulumi.Output<string>;
    declare public readonly keyArn: pulumi.Output<string>;
    /** Undefined values when no replicaRegion is configured. */
    declare public readonly replicaBucketName: pulumi.Output<string | undefined>;
    declare public readonly replicaBucketArn: pulumi.Output<string | undefined>;
    declare public readonly replicaKeyArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: BackupVaultArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("bloom-dr:backup:BackupVault", name, {}, opts);
        // Skeleton: children land in the next commit.
        this.bucketName = pulumi.output("");
        this.bucketArn = pulumi.output("");
        this.keyArn = pulumi.output("");
        this.replicaBucketName = pulumi.output(undefined);
        this.replicaBucketArn = pulumi.output(undefined);
        this.replicaKeyArn = pulumi.output(undefined);
        this.registerOutputs({});
    }
}
