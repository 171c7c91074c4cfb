/**
 * The prod stack: the Neon primary and its PITR branches (with logical replication and a
 * replication role when enabled), the backup vault, the app's DATABASE_URL secret, the scheduled
 * dump job, the alert topics, the database health probe and the maintenance-mode parameter.
 */
import * as pulumi from "@pulumi/pulumi";
import { Alerting } from "../components/alerting";
import { AppDatabaseSecret } from "../components/appDatabaseSecret";
import { BackupVault } from "../components/backupVault";
import { DumpJob } from "../components/dumpJob";
import { HealthProbe } from "../components/healthProbe";
import { maintenanceParameterName } from "../components/maintenanceDocument";
import { MaintenanceParameter } from "../components/maintenanceParameter";
import { MonitorRole } from "../components/monitorRole";
import { NeonPrimary } from "../components/neonPrimary";
import { PitrBranch } from "../components/pitrBranch";
import type { ProdStackConfig } from "./configSchema";
import { stackTags } from "./stackTags";

export interface PitrBranchOutputs {
  readonly branchId: pulumi.Output<string>;
  readonly at: string;
  /** Secret. */
  readonly connectionUri: pulumi.Output<string>;
}

export function buildProd(config: ProdStackConfig, stackName: string) {
  const tags = stackTags(stackName, "prod", config.drill);

  const primary = new NeonPrimary("primary", {
    projectName: config.neon.projectName,
    orgId: config.neon.orgId,
    regionId: config.neon.regionId,
    pgVersion: config.neon.pgVersion,
    historyRetentionHours: config.neon.historyRetentionHours,
    databaseName: config.neon.databaseName,
    roleName: config.neon.roleName,
    primaryBranchName: config.neon.primaryBranchName,
    protectPrimaryBranch: config.neon.protectPrimaryBranch,
    logicalReplication: config.neon.logicalReplication,
    replicationRoleName: config.neon.replicationRoleName,
  });

  // Keyed by branch name, so reordering or removing other entries replaces nothing.
  const pitrBranches: Record<string, PitrBranchOutputs> = {};
  for (const entry of config.pitrBranches) {
    const branch = new PitrBranch(`pitr-${entry.name}`, {
      projectId: primary.projectId,
      parentBranchId: primary.primaryBranchId,
      branchName: entry.name,
      at: entry.at,
      databaseName: primary.databaseName,
      roleName: primary.roleName,
    });
    pitrBranches[entry.name] = { branchId: branch.branchId, at: entry.at, connectionUri: branch.connectionUri };
  }

  const alerting = new Alerting("alerts", { endpoints: config.alerts, tags });

  const vault = new BackupVault("vault", {
    retentionDays: config.backup.retentionDays,
    objectLockDays: config.backup.objectLockDays,
    breakGlassRoleArn: config.backup.breakGlassRoleArn,
    deployerArn: config.backup.deployerArn,
    replicaRegion: config.backup.replicaRegion,
    tags,
  });

  // The app reads DATABASE_URL from here; the dr stack repoints it on failover.
  // Replicated into the DR region (backup.replicaRegion), so a prod-region outage cannot hide it.
  const appDatabase = new AppDatabaseSecret("app-database-url", {
    initialDatabaseUrl: primary.pooledUri,
    replicaRegion: config.backup.replicaRegion,
    tags,
  });

  const dumpJob = new DumpJob("backup", {
    vaultBucketName: vault.bucketName,
    vaultBucketArn: vault.bucketArn,
    vaultKeyArn: vault.keyArn,
    prefix: config.backup.prefix,
    sourceDatabaseUrl: primary.directUri,
    schedule: config.backup.schedule,
    stalenessGraceMinutes: config.backup.stalenessGraceMinutes,
    runner: config.backup.runner,
    reserveConcurrency: config.backup.reserveConcurrency,
    alarmTopicArn: alerting.sev2TopicArn,
    tags,
  });

  // SEV-1 detection: a low-privilege role made in SQL, probed every minute through both endpoints
  const monitor = new MonitorRole("monitor", {
    ownerUrl: primary.directUri,
    directHost: primary.host,
    pooledHost: primary.pooledHost,
    databaseName: primary.databaseName,
  });
  const healthProbe = new HealthProbe("health", {
    imageUri: dumpJob.imageUri,
    monitorUrls: monitor.urlsSecretString,
    database: `${config.neon.projectName}/${config.neon.databaseName}`,
    schedule: config.healthProbe.schedule,
    failuresToAlarm: config.healthProbe.failuresToAlarm,
    connectionUsagePercent: config.healthProbe.connectionUsagePercent,
    topicArns: { sev1: alerting.sev1TopicArn, sev2: alerting.sev2TopicArn, sev3: alerting.sev3TopicArn },
    tags,
  });

  // The playbook's MITIGATE step: the app reads this and serves its maintenance page.
  const maintenance = new MaintenanceParameter("maintenance", {
    parameterName: maintenanceParameterName(stackName),
    state: config.maintenance,
    tags,
  });

  return {
    role: "prod" as const,
    drillScenario: config.drill?.scenario ?? "none",
    neonProjectId: primary.projectId,
    neonDefaultBranchId: primary.defaultBranchId,
    neonPrimaryBranchId: primary.primaryBranchId,
    databaseName: primary.databaseName,
    databaseRole: primary.roleName,
    directConnectionUri: primary.directUri,
    pooledConnectionUri: primary.pooledUri,
    // What a dr stack in failover.mode replica subscribes with (it keeps its own copy in its region).
    logicalReplication: config.neon.logicalReplication,
    replicationRoleName: primary.replicationRoleName,
    replicationSourceUrl: primary.replicationUri,
    pitrBranches,
    vaultBucketName: vault.bucketName,
    vaultBucketArn: vault.bucketArn,
    vaultKeyArn: vault.keyArn,
    vaultReplicaBucketName: vault.replicaBucketName,
    vaultReplicaBucketArn: vault.replicaBucketArn,
    vaultReplicaKeyArn: vault.replicaKeyArn,
    backupPrefix: config.backup.prefix,
    backupRunner: config.backup.runner,
    backupRunnerName: dumpJob.runnerName,
    backupImageUri: dumpJob.imageUri,
    backupScheduleArn: dumpJob.scheduleArn,
    backupSourceSecretArn: dumpJob.sourceSecretArn,
    appDatabaseUrlSecretArn: appDatabase.secretArn,
    appDatabaseUrlSecretReplicaArn: appDatabase.replicaSecretArn,
    sev1TopicArn: alerting.sev1TopicArn,
    sev2TopicArn: alerting.sev2TopicArn,
    sev3TopicArn: alerting.sev3TopicArn,
    sev4TopicArn: alerting.sev4TopicArn,
    healthProbeFunctionName: healthProbe.functionName,
    healthProbeScheduleArn: healthProbe.scheduleArn,
    healthProbeSecretArn: healthProbe.secretArn,
    monitorRoleName: monitor.roleName,
    maintenanceParameterName: maintenance.parameterName,
    maintenanceParameterArn: maintenance.parameterArn,
    maintenanceEnabled: config.maintenance.enabled,
  };
}

export type ProdOutputs = ReturnType<typeof buildProd>;
