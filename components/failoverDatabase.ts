import * as pulumi from "@pulumi/pulumi";

export type FailoverMode = "off" | "standby" | "active";
export type DrillScenario = "pitr" | "restore" | "failover";

export interface FailoverDatabaseArgs {
    /** Plain string: decides which children exist. */
    readonly mode: FailoverMode;
    /** e.g. "db.t4g.medium". */
    readonly instanceClass: string;
    readonly allocatedStorageGb: number;
    /** e.g. "16.4"; should be ≥ the primary's major so pg_restore reads the dumps. */
    readonly engineVersion: string;
    readonly backupRetentionDays: number;
    /** Scheduler expression for the restore test, UTC. */
    readonly restoreSchedule: string;
    /** CIDRs of the app that may reach port 5432. Default none. */
    readonly appCidrs?: string[];
    /** Existing VPC; with subnetIds. Default: a small private VPC is created. */
    readonly vpcId?: pulumi.Input<string>;
    /** At least two private subnets in two AZs of vpcId. */
    readonly subnetIds?: pulumi.Input<string>[];
    /** Query the restore test runs against the restored database, e.g. a row count. */
    readonly smokeQuery?: string;
    /** During a drill the app's DATABASE_URL secret is never touched and resources are tagged. */
    readonly drill?: { readonly scenario: DrillScenario };
    // From the prod stack reference:
    readonly vaultBucketName: pulumi.Input<string>;
    readonly vaultBucketArn: pulumi.Input<string>;
    readonly vaultKeyArn: pulumi.Input<string>;
    readonly backupPrefix: pulumi.Input<string>;
    /** The app's DATABASE_URL secret; written only when mode is "active" and no drill. */
    readonly appDatabaseUrlSecretArn: pulumi.Input<string>;
    /** Topic the restore-test error alarm notifies (SEV-2). */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** Reuse an image already in this region; default: build runtime/Dockerfile into a DR repo. */
    readonly imageUri?: pulumi.Input<string>;
    /** Default "app". */
    readonly databaseName?: string;
    /** Default "bloom_admin". */
    readonly masterUsername?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class FailoverDatabase extends pulumi.ComponentResource {
    /** All undefined when mode is "off". */
    declare public readonly instanceIdentifier: pulumi.Output<string | undefined>;
    declare public readonly address: pulumi.Output<string | undefined>;
    declare public readonly port: pulumi.Output<number | undefined>;
    declare public readonly masterSecretArn: pulumi.Output<string | undefined>;
    declare public readonly securityGroupId: pulumi.Output<string | undefined>;
    declare public readonly restoreFunctionName: pulumi.Output<string | undefined>;
    /** True when this update pointed the app's DATABASE_URL at the instance. */
    declare public readonly appSecretSwitched: pulumi.Output<boolean>;

    constructor(name: string, args: FailoverDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("bloom-dr:dr:FailoverDatabase", name, {}, opts);
        this.instanceIdentifier = pulumi.output(undefined);
        this.address = pulumi.output(undefined);
        this.port = pulumi.output(undefined);
        this.masterSecretArn = pulumi.output(undefined);
        this.securityGroupId = pulumi.output(undefined);
        this.restoreFunctionName = pulumi.output(undefined);
        this.appSecretSwitched = pulumi.output(false);
        this.registerOutputs({});
    }
}
