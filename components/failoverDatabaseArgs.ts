/**
 * The arguments of FailoverDatabase and their defaults (split out of the component to keep it
 * readable). Pure: no resources here.
 */
import type * as pulumi from "@pulumi/pulumi";

export type FailoverMode = "off" | "standby" | "replica" | "active";
export type DrillScenario = "pitr" | "restore" | "failover";

export const FAILOVER_MODES: readonly FailoverMode[] = ["off", "standby", "replica", "active"];
/** Tag key on every resource created while a drill is configured. */
export const DRILL_TAG = "bloom-dr:drill";

export interface FailoverAppArgs {
  /** POSTed after the switch so the app re-reads its DATABASE_URL. A secret. */
  readonly redeployHookUrl?: pulumi.Input<string>;
  /** Polled after the switch until 2xx. */
  readonly healthUrl?: string;
  /** Default 300. */
  readonly healthTimeoutSeconds?: number;
}

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
  /** Query the restore test and the promotion run against the restored database, e.g. a row count. */
  readonly smokeQuery?: string;
  /**
   * Reserve one concurrent execution for the restore test, so two restores never overlap on the
   * standby. Default false: the account must keep 10 unreserved executions, which a new account
   * (quota 10) cannot (docs/aws-components.md).
   */
  readonly reserveConcurrency?: boolean;
  /**
   * During a drill the app's DATABASE_URL secret and the app hooks are never touched, resources
   * are tagged, and nothing is protected (a drill stack is destroyed afterwards).
   */
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
  /** The role the app connects as after failover (created by the promotion). Default "bloom_app". */
  readonly appRole?: string;
  /** Promotion refuses a newest backup older than this. Default 26 (24 h RPO plus slack). */
  readonly maxBackupAgeHours?: number;
  /** Accept an older backup on purpose. Default false. */
  readonly allowStaleBackup?: boolean;
  /** Run after the switch (never in a drill). Each hook exists only when given. */
  readonly app?: FailoverAppArgs;
  /**
   * The Neon primary's replication URL (a secret; the prod stack's replicationSourceUrl). Required
   * in "replica"; in "active" it lets the promotion drain a replica's lag and drop its slot. The
   * stack keeps it in a secret of its own, in this region.
   */
  readonly replicationSourceUrl?: pulumi.Input<string>;
  /** "replica": the lag (seconds behind the primary) at which status reports it behind and the SEV-2 alarm fires. Default 60. */
  readonly replicaMaxLagSeconds?: number;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const FAILOVER_DEFAULTS = {
  databaseName: "app",
  masterUsername: "bloom_admin",
  appRole: "bloom_app",
  maxBackupAgeHours: 26,
  healthTimeoutSeconds: 300,
  replicaMaxLagSeconds: 60,
} as const;

/**
 * A replica needs the Neon URL, and a network with a route to Neon (the given VPC's NAT; the VPC
 * created here has none); a drill's stack is destroyed afterwards, which would orphan its slot.
 */
export function assertReplicaArgs(name: string, args: FailoverDatabaseArgs): void {
  if (args.mode !== "replica") return;
  if (args.replicationSourceUrl === undefined)
    throw new Error(
      `FailoverDatabase ${name}: mode "replica" subscribes to the Neon primary, so it needs replicationSourceUrl (the prod stack's replicationSourceUrl, with neon.logicalReplication: true)`,
    );
  if (args.vpcId === undefined)
    throw new Error(
      `FailoverDatabase ${name}: mode "replica" reaches Neon over the internet, so it needs vpcId and subnetIds of a network with a NAT route (a VPC created here has no internet route)`,
    );
  if (args.drill !== undefined)
    throw new Error(
      `FailoverDatabase ${name}: mode "replica" cannot run in a drill: destroying the drill's stack would leave the subscription's slot on the Neon primary`,
    );
}
