import * as pulumi from "@pulumi/pulumi";
import { createAppHooks } from "./appHooks";
import { createAppRolePassword } from "./appRolePassword";
import { switchAppSecret } from "./appSecretSwitch";
import { BackupImage } from "./backupImage";
import {
  DRILL_TAG,
  FAILOVER_DEFAULTS,
  FAILOVER_MODES,
  FailoverDatabaseArgs,
  assertReplicaArgs,
} from "./failoverDatabaseArgs";
import { createFailoverInstance } from "./failoverInstance";
import { createFailoverNetwork } from "./failoverNetwork";
import { drillTagValue } from "./names";
import { createPromotion } from "./promotion";
import type { PromotionSummary } from "./promotionResult";
import { createReplication } from "./replication";
import type { ReplicationSetupSummary } from "./replicationResult";
import { createReplicationSource } from "./replicationSource";
import { RESTORE_JOB_DEFAULTS, createRestoreJob } from "./restoreJob";
import { stalenessPeriodSeconds } from "./schedules";

export { FAILOVER_MODE_TAG } from "./failoverInstance";
export * from "./failoverDatabaseArgs";

/**
 * The DR database. "off": nothing. "standby": a private, encrypted RDS PostgreSQL instance kept
 * restored from the newest backup by a scheduled restore test, and the app role's password.
 * "replica": the same instance, the restore schedule disabled, subscribed to the Neon primary by
 * logical replication (set up during `pulumi up`, its lag checked and alarmed on); `protect`ed.
 * "active": the restore schedule disabled, the promotion step run (restore, app role, validation,
 * serving marker), then the app's DATABASE_URL pointed at it and the app's hooks run; the
 * instance gets deletion protection and `protect`. A drill promotes too, but never touches the
 * app and protects nothing. The instance keeps one logical name in every mode, so switching
 * updates it in place.
 */
export class FailoverDatabase extends pulumi.ComponentResource {
  /** All undefined when mode is "off". */
  declare public readonly instanceIdentifier: pulumi.Output<string | undefined>;
  declare public readonly address: pulumi.Output<string | undefined>;
  declare public readonly port: pulumi.Output<number | undefined>;
  declare public readonly masterSecretArn: pulumi.Output<string | undefined>;
  declare public readonly securityGroupId: pulumi.Output<string | undefined>;
  declare public readonly restoreFunctionName: pulumi.Output<string | undefined>;
  /** The secret holding the app role's password (undefined when off). */
  declare public readonly appPasswordSecretArn: pulumi.Output<string | undefined>;
  /** The promotion function (undefined unless active). */
  declare public readonly promoteFunctionName: pulumi.Output<string | undefined>;
  /** What the promotion step reported: backup id, RPO, path (undefined unless active). */
  declare public readonly promotion: pulumi.Output<PromotionSummary | undefined>;
  /** True when this update points the app's DATABASE_URL at the instance. */
  declare public readonly appSecretSwitched: pulumi.Output<boolean>;
  /** The replicate function and what its setup reported (undefined unless replica). */
  declare public readonly replicateFunctionName: pulumi.Output<string | undefined>;
  declare public readonly replication: pulumi.Output<ReplicationSetupSummary | undefined>;
  /** This stack's copy of the Neon replication URL (undefined without one). */
  declare public readonly replicationSourceSecretArn: pulumi.Output<string | undefined>;

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
    assertReplicaArgs(name, args);
    if (args.mode === "off") {
      this.instanceIdentifier =
        this.address =
        this.masterSecretArn =
        this.securityGroupId =
        this.restoreFunctionName =
        this.appPasswordSecretArn =
        this.promoteFunctionName =
        this.replicateFunctionName =
        this.replicationSourceSecretArn =
          pulumi.output(undefined);
      this.port = pulumi.output(undefined);
      this.promotion = pulumi.output(undefined);
      this.replication = pulumi.output(undefined);
      this.appSecretSwitched = pulumi.output(false);
      this.registerOutputs({});
      return;
    }
    stalenessPeriodSeconds(args.restoreSchedule, RESTORE_JOB_DEFAULTS.stalenessGraceMinutes); // fail before creating anything
    const active = args.mode === "active";
    const replica = args.mode === "replica";
    // The Neon URL is kept (and reachable) in replica, and in active for promoting a replica.
    const subscribes = args.replicationSourceUrl !== undefined && (replica || active);
    const databaseName = args.databaseName ?? FAILOVER_DEFAULTS.databaseName;
    const appRole = args.appRole ?? FAILOVER_DEFAULTS.appRole;
    const drill = args.drill;
    const tags: pulumi.Input<Record<string, pulumi.Input<string>>> = drill
      ? pulumi
          .output(args.tags ?? {})
          .apply((base): Record<string, string> => ({ ...base, [DRILL_TAG]: drillTagValue(drill.scenario) }))
      : (args.tags ?? {});

    const network = createFailoverNetwork(
      name,
      { vpcId: args.vpcId, subnetIds: args.subnetIds, appCidrs: args.appCidrs ?? [], reachesNeon: subscribes, tags },
      this,
    );
    const { key, instance, masterSecretArn } = createFailoverInstance(
      name,
      {
        mode: args.mode,
        serving: switchesApp,
        protect: replica,
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorageGb: args.allocatedStorageGb,
        backupRetentionDays: args.backupRetentionDays,
        databaseName,
        masterUsername: args.masterUsername ?? FAILOVER_DEFAULTS.masterUsername,
        subnetIds: network.subnetIds,
        securityGroupId: network.databaseSecurityGroup.id,
        tags,
      },
      this,
    );

    // The dr stack is torn down after drills: its repository must go with it (see BackupImage).
    const imageUri =
      args.imageUri ?? new BackupImage(`${name}-image`, { tags, forceDelete: true }, { parent: this }).imageUri;
    const vault = {
      imageUri,
      vaultBucketName: args.vaultBucketName,
      vaultBucketArn: args.vaultBucketArn,
      vaultKeyArn: args.vaultKeyArn,
      backupPrefix: args.backupPrefix,
      masterSecretArn,
      database: databaseName,
      smokeQuery: args.smokeQuery,
      subnetIds: network.subnetIds,
      securityGroupId: network.restoreJobSecurityGroup.id,
      tags,
    };
    const restore = createRestoreJob(
      `${name}-restore`,
      {
        ...vault,
        masterSecretKeyArn: key.arn,
        host: instance.address,
        port: instance.port,
        schedule: args.restoreSchedule,
        mode: args.mode,
        reserveConcurrency: args.reserveConcurrency ?? false,
        alarmTopicArn: args.alarmTopicArn,
      },
      this,
    );
    // Kept in standby too: the password exists before failover, and stays the same across it.
    const appPassword = createAppRolePassword(
      name,
      { keyArn: key.arn, serving: switchesApp, drill: drill !== undefined, tags },
      this,
    );

    const source = subscribes
      ? createReplicationSource(
          name,
          { url: args.replicationSourceUrl!, keyArn: key.arn, drill: drill !== undefined, tags },
          this,
        )
      : undefined;
    const replication = replica
      ? createReplication(
          `${name}-replicate`,
          {
            imageUri,
            instance,
            database: databaseName,
            appRole,
            masterSecretArn,
            masterSecretKeyArn: key.arn,
            source: source!,
            maxLagSeconds: args.replicaMaxLagSeconds ?? FAILOVER_DEFAULTS.replicaMaxLagSeconds,
            subnetIds: network.subnetIds,
            securityGroupId: network.restoreJobSecurityGroup.id,
            // The restore test is off (and refuses) and the instance may reach Neon before setup starts.
            after: [restore.function, restore.schedule, network.databaseSecurityGroup],
            alarmTopicArn: args.alarmTopicArn,
            tags,
          },
          this,
        )
      : undefined;

    const promotion = active
      ? createPromotion(
          `${name}-promote`,
          {
            ...vault,
            databaseKeyArn: key.arn,
            appPasswordSecretArn: appPassword.secret.arn,
            appRole,
            maxBackupAgeHours: args.maxBackupAgeHours ?? FAILOVER_DEFAULTS.maxBackupAgeHours,
            allowStaleBackup: args.allowStaleBackup ?? false,
            instance,
            // The scheduled restore test is off (and refuses to run) before promotion starts.
            after: [restore.function, restore.schedule, appPassword.version, ...(source ? [source.version] : [])],
            ...(source ? { replicationSource: source.access } : {}),
            alarmTopicArn: args.alarmTopicArn,
          },
          this,
        )
      : undefined;

    if (switchesApp) {
      const version = switchAppSecret(
        name,
        {
          appDatabaseUrlSecretArn: args.appDatabaseUrlSecretArn,
          instance,
          databaseName,
          appPassword: appPassword.password.result,
          promotion: promotion!,
        },
        this,
      );
      createAppHooks(
        name,
        {
          redeployHookUrl: args.app?.redeployHookUrl,
          healthUrl: args.app?.healthUrl,
          healthTimeoutSeconds: args.app?.healthTimeoutSeconds ?? FAILOVER_DEFAULTS.healthTimeoutSeconds,
          appSecretVersion: version,
        },
        this,
      );
    }

    this.instanceIdentifier = instance.identifier;
    this.address = instance.address;
    this.port = instance.port;
    this.masterSecretArn = masterSecretArn;
    this.securityGroupId = network.databaseSecurityGroup.id;
    this.restoreFunctionName = restore.function.name;
    this.appPasswordSecretArn = appPassword.secret.arn;
    this.promoteFunctionName = promotion ? promotion.function.name : pulumi.output(undefined);
    this.promotion = promotion ? promotion.summary : pulumi.output(undefined);
    this.appSecretSwitched = pulumi.output(switchesApp);
    this.replicateFunctionName = replication ? replication.function.name : pulumi.output(undefined);
    this.replication = replication ? replication.summary : pulumi.output(undefined);
    this.replicationSourceSecretArn = source ? source.secret.arn : pulumi.output(undefined);
    this.registerOutputs({
      instanceIdentifier: this.instanceIdentifier,
      address: this.address,
      port: this.port,
      masterSecretArn: this.masterSecretArn,
      securityGroupId: this.securityGroupId,
      restoreFunctionName: this.restoreFunctionName,
      appPasswordSecretArn: this.appPasswordSecretArn,
      promoteFunctionName: this.promoteFunctionName,
      promotion: this.promotion,
      appSecretSwitched: this.appSecretSwitched,
      replicateFunctionName: this.replicateFunctionName,
      replication: this.replication,
      replicationSourceSecretArn: this.replicationSourceSecretArn,
    });
  }
}
