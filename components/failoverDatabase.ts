import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackupImage } from "./backupImage";
import { createFailoverNetwork } from "./failoverNetwork";
import { switchAppSecret } from "./appSecretSwitch";
import { drillTagValue, finalSnapshotIdentifier } from "./names";
import { RESTORE_JOB_DEFAULTS, createRestoreJob } from "./restoreJob";
import { stalenessPeriodSeconds } from "./schedules";

export type FailoverMode = "off" | "standby" | "active";
export type DrillScenario = "pitr" | "restore" | "failover";

export const FAILOVER_MODES: readonly FailoverMode[] = ["off", "standby", "active"];
/** Tag key on every resource created while a drill is configured. */
export const DRILL_TAG = "bloom-dr:drill";
/**
 * On the instance: which mode it serves in. The policy pack (rds-deletion-protection-when-active)
 * reads it to tell an active instance from a standby one, drills included.
 */
export const FAILOVER_MODE_TAG = "bloom-dr:failover-mode";

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
  /** CIDRs of the app that may reach port 5432. Default none; required when the app is switched. */
  readonly appCidrs?: string[];
  /**
   * Existing VPC the app can reach; with subnetIds. Default: a small private VPC is created, which
   * has no peering or route to any other network (fine for restore testing and drills), so an
   * instance that the app is switched to ("active" outside a drill) requires it.
   */
  readonly vpcId?: pulumi.Input<string>;
  /** At least two private subnets in two AZs of vpcId. */
  readonly subnetIds?: pulumi.Input<string>[];
  /** Query the restore test runs against the restored database, e.g. a row count. */
  readonly smokeQuery?: string;
  /**
   * Reserve one concurrent execution for the restore test, so two restores never overlap on the
   * standby. Default false: the account must keep 10 unreserved executions, which a new account
   * (quota 10) cannot (docs/aws-components.md).
   */
  readonly reserveConcurrency?: boolean;
  /** During a drill the app's DATABASE_URL secret is never touched and resources are tagged. */
  readonly drill?: { readonly scenario: DrillScenario };
  // From the prod stack reference:
  readonly vaultBucketName: pulumi.Input<string>;
  readonly vaultBucketArn: pulumi.Input<string>;
  readonly vaultKeyArn: pulumi.Input<string>;
  readonly backupPrefix: pulumi.Input<string>;
  /** The app's DATABASE_URL secret; written only when mode is "active" and no drill. */
  readonly appDatabaseUrlSecretArn: pulumi.Input<string>;
  /** Topic the restore-test alarms notify (SEV-2). */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Reuse an image already in this region; default: build runtime/Dockerfile into a DR repo. */
  readonly imageUri?: pulumi.Input<string>;
  /** Default "app". */
  readonly databaseName?: string;
  /** Default "bloom_admin". */
  readonly masterUsername?: string;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const FAILOVER_DEFAULTS = {
  databaseName: "app",
  masterUsername: "bloom_admin",
  performanceInsightsRetentionDays: 7,
} as const;

/**
 * The DR database. "off": nothing. "standby": a private, encrypted RDS PostgreSQL instance kept
 * restored from the newest backup by a scheduled restore test. "active": additionally deletion
 * protection, `protect`, the restore schedule disabled, and the app's DATABASE_URL pointed at it
 * (never during a drill). The instance keeps one logical name in both modes, so switching between
 * them updates it in place.
 */
export class FailoverDatabase extends pulumi.ComponentResource {
  /** All undefined when mode is "off". */
  declare public readonly instanceIdentifier: pulumi.Output<string | undefined>;
  declare public readonly address: pulumi.Output<string | undefined>;
  declare public readonly port: pulumi.Output<number | undefined>;
  declare public readonly masterSecretArn: pulumi.Output<string | undefined>;
  declare public readonly securityGroupId: pulumi.Output<string | undefined>;
  declare public readonly restoreFunctionName: pulumi.Output<string | undefined>;
  /** True when this update points the app's DATABASE_URL at the instance. */
  declare public readonly appSecretSwitched: pulumi.Output<boolean>;

  constructor(name: string, args: FailoverDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bloom-dr:dr:FailoverDatabase", name, {}, opts);
    if (!FAILOVER_MODES.includes(args.mode)) {
      throw new Error(
        `FailoverDatabase ${name}: mode must be one of ${FAILOVER_MODES.join(", ")} (got "${args.mode}")`,
      );
    }
    const switchesApp = args.mode === "active" && args.drill === undefined;
    if (switchesApp && (args.vpcId === undefined || (args.appCidrs ?? []).length === 0)) {
      throw new Error(
        `FailoverDatabase ${name}: mode "active" points the app at the instance, so it needs the app's network: vpcId and subnetIds the app can reach, and appCidrs (a VPC created here has no route to the app)`,
      );
    }
    if (args.mode === "off") {
      this.instanceIdentifier =
        this.address =
        this.masterSecretArn =
        this.securityGroupId =
        this.restoreFunctionName =
          pulumi.output(undefined);
      this.port = pulumi.output(undefined);
      this.appSecretSwitched = pulumi.output(false);
      this.registerOutputs({});
      return;
    }
    stalenessPeriodSeconds(args.restoreSchedule, RESTORE_JOB_DEFAULTS.stalenessGraceMinutes); // fail before creating anything
    const active = args.mode === "active";
    const databaseName = args.databaseName ?? FAILOVER_DEFAULTS.databaseName;
    const drill = args.drill;
    const tags: pulumi.Input<Record<string, pulumi.Input<string>>> = drill
      ? pulumi
          .output(args.tags ?? {})
          .apply((base): Record<string, string> => ({ ...base, [DRILL_TAG]: drillTagValue(drill.scenario) }))
      : (args.tags ?? {});

    const network = createFailoverNetwork(
      name,
      { vpcId: args.vpcId, subnetIds: args.subnetIds, appCidrs: args.appCidrs ?? [], tags },
      this,
    );
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `bloom-dr failover database ${name}: storage, master secret, Performance Insights`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      // The final snapshot taken when the instance is deleted (standby -> off) is encrypted with
      // this key: dropping the instance must leave the key in place, or the snapshot is unreadable.
      { parent: this, retainOnDelete: true },
    );
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        description: "bloom-dr failover database: private subnets",
        subnetIds: network.subnetIds,
        tags,
      },
      { parent: this },
    );

    const instance = new aws.rds.Instance(
      `${name}-db`,
      {
        engine: "postgres",
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGb,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: key.arn,
        dbName: databaseName,
        username: args.masterUsername ?? FAILOVER_DEFAULTS.masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: key.arn,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [network.databaseSecurityGroup.id],
        publiclyAccessible: false,
        backupRetentionPeriod: args.backupRetentionDays,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: finalSnapshotIdentifier(pulumi.getProject(), pulumi.getStack(), name),
        copyTagsToSnapshot: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        performanceInsightsRetentionPeriod: FAILOVER_DEFAULTS.performanceInsightsRetentionDays,
        autoMinorVersionUpgrade: true,
        deletionProtection: active,
        // Failover must not wait for the next maintenance window.
        applyImmediately: true,
        tags: pulumi
          .output(tags)
          .apply((base): Record<string, string> => ({ ...base, [FAILOVER_MODE_TAG]: args.mode })),
      },
      { parent: this, protect: active },
    );
    const masterSecretArn = instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets?.[0]?.secretArn;
      if (!arn)
        throw new Error(
          `FailoverDatabase ${name}: RDS reported no managed master secret; manageMasterUserPassword must stay true`,
        );
      return arn;
    });

    // The dr stack is torn down after drills: its repository must go with it (see BackupImage).
    const imageUri =
      args.imageUri ?? new BackupImage(`${name}-image`, { tags, forceDelete: true }, { parent: this }).imageUri;
    const restore = createRestoreJob(
      `${name}-restore`,
      {
        imageUri,
        vaultBucketName: args.vaultBucketName,
        vaultBucketArn: args.vaultBucketArn,
        vaultKeyArn: args.vaultKeyArn,
        backupPrefix: args.backupPrefix,
        masterSecretArn,
        masterSecretKeyArn: key.arn,
        host: instance.address,
        port: instance.port,
        database: databaseName,
        smokeQuery: args.smokeQuery,
        subnetIds: network.subnetIds,
        securityGroupId: network.restoreJobSecurityGroup.id,
        schedule: args.restoreSchedule,
        enabled: !active,
        reserveConcurrency: args.reserveConcurrency ?? false,
        alarmTopicArn: args.alarmTopicArn,
        tags,
      },
      this,
    );

    if (switchesApp) {
      switchAppSecret(
        name,
        { appDatabaseUrlSecretArn: args.appDatabaseUrlSecretArn, masterSecretArn, instance, databaseName },
        this,
      );
    }

    this.instanceIdentifier = instance.identifier;
    this.address = instance.address;
    this.port = instance.port;
    this.masterSecretArn = masterSecretArn;
    this.securityGroupId = network.databaseSecurityGroup.id;
    this.restoreFunctionName = restore.function.name;
    this.appSecretSwitched = pulumi.output(switchesApp);
    this.registerOutputs({
      instanceIdentifier: this.instanceIdentifier,
      address: this.address,
      port: this.port,
      masterSecretArn: this.masterSecretArn,
      securityGroupId: this.securityGroupId,
      restoreFunctionName: this.restoreFunctionName,
      appSecretSwitched: this.appSecretSwitched,
    });
  }
}
