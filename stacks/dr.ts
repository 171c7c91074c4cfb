/**
 * The dr stack: alert topics and the failover database, fed by the prod stack's outputs (the
 * vault to restore from, the app's DATABASE_URL secret to repoint on failover, and the Neon
 * replication URL of a replica). Async: before declaring anything it checks that the update does
 * not leave a serving database (stacks/servingCheck.ts) or a subscribed replica
 * (stacks/replicaCheck.ts), so a refused update changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { Alerting } from "../components/alerting";
import { FailoverDatabase } from "../components/failoverDatabase";
import type { DrStackConfig } from "./configSchema";
import { AppSecretOutputs, appSecretTarget } from "./appSecretTarget";
import { assertNotLeavingReplica } from "./replicaCheck";
import { REPLICATION_SOURCE_OUTPUT, replicationSourceUrl } from "./replicationSource";
import { assertNotLeavingWhileServing } from "./servingCheck";
import { qualifiedStackName } from "./stackReference";
import { stackTags } from "./stackTags";
import { VaultOutputs, vaultSource } from "./vaultSource";

const VAULT_OUTPUT_NAMES = [
  "vaultBucketName",
  "vaultBucketArn",
  "vaultKeyArn",
  "vaultReplicaBucketName",
  "vaultReplicaBucketArn",
  "vaultReplicaKeyArn",
] as const;

/** The organization Pulumi runs this stack in; mocks without one leave it undefined. */
function currentOrganization(): string | undefined {
  try {
    return pulumi.getOrganization();
  } catch {
    return undefined;
  }
}

/** The copies of the app's DATABASE_URL secret prod exports (the replica only with a replica region). */
async function exportedAppSecretArns(prod: pulumi.StackReference): Promise<string[]> {
  const names = ["appDatabaseUrlSecretArn", "appDatabaseUrlSecretReplicaArn"];
  const details = await Promise.all(names.map((outputName) => prod.getOutputDetails(outputName)));
  return details.map((detail) => detail.value ?? detail.secretValue).filter((arn): arn is string => !!arn);
}

export async function buildDr(config: DrStackConfig, stackName: string) {
  const tags = stackTags(stackName, "dr", config.drill);
  const primaryStack = qualifiedStackName(config.primaryStack, {
    organization: currentOrganization(),
    project: pulumi.getProject(),
  });
  const prod = new pulumi.StackReference(primaryStack);
  await assertNotLeavingWhileServing({
    config,
    stackName,
    primaryStack,
    appSecretArns: await exportedAppSecretArns(prod),
  });
  await assertNotLeavingReplica({ config, stackName });
  const sourceUrl = replicationSourceUrl(
    config.failover.mode,
    await prod.getOutputDetails(REPLICATION_SOURCE_OUTPUT),
    primaryStack,
  );

  const vaultOutputs = pulumi
    .all(VAULT_OUTPUT_NAMES.map((outputName) => prod.getOutput(outputName)))
    .apply(
      (values) =>
        Object.fromEntries(VAULT_OUTPUT_NAMES.map((outputName, index) => [outputName, values[index]])) as VaultOutputs,
    );
  const vault = vaultOutputs.apply((outputs) => vaultSource(outputs, primaryStack));
  const appSecretArn = pulumi
    .all([prod.getOutput("appDatabaseUrlSecretArn"), prod.getOutput("appDatabaseUrlSecretReplicaArn")])
    .apply(([appDatabaseUrlSecretArn, appDatabaseUrlSecretReplicaArn]) =>
      appSecretTarget(
        { appDatabaseUrlSecretArn, appDatabaseUrlSecretReplicaArn } as AppSecretOutputs,
        config.failover.appSecret,
        primaryStack,
      ),
    );

  const alerting = new Alerting("alerts", { endpoints: config.alerts, tags });

  const failover = new FailoverDatabase("failover", {
    mode: config.failover.mode,
    instanceClass: config.failover.instanceClass,
    allocatedStorageGb: config.failover.allocatedStorageGb,
    engineVersion: config.failover.engineVersion,
    backupRetentionDays: config.failover.backupRetentionDays,
    restoreSchedule: config.failover.restoreSchedule,
    appCidrs: config.failover.appCidrs,
    vpcId: config.failover.vpcId,
    subnetIds: config.failover.subnetIds,
    smokeQuery: config.failover.smokeQuery,
    reserveConcurrency: config.failover.reserveConcurrency,
    databaseName: config.failover.databaseName,
    appRole: config.failover.appRole,
    maxBackupAgeHours: config.failover.maxBackupAgeHours,
    allowStaleBackup: config.failover.allowStaleBackup,
    app: config.failover.app && {
      // Read from plain config, so wrapped here: the URL carries the hook's token.
      redeployHookUrl:
        config.failover.app.redeployHookUrl === undefined
          ? undefined
          : pulumi.secret(config.failover.app.redeployHookUrl),
      healthUrl: config.failover.app.healthUrl,
      healthTimeoutSeconds: config.failover.app.healthTimeoutSeconds,
    },
    drill: config.drill,
    // A secret output of prod, read as a plain value here: wrapped again at once.
    replicationSourceUrl: sourceUrl === undefined ? undefined : pulumi.secret(sourceUrl),
    replicaMaxLagSeconds: config.failover.replicaMaxLagSeconds,
    vaultBucketName: vault.bucketName,
    vaultBucketArn: vault.bucketArn,
    vaultKeyArn: vault.keyArn,
    backupPrefix: prod.requireOutput("backupPrefix") as pulumi.Output<string>,
    appDatabaseUrlSecretArn: appSecretArn,
    alarmTopicArn: alerting.sev2TopicArn,
    tags,
  });

  return {
    role: "dr" as const,
    drillScenario: config.drill?.scenario ?? "none",
    primaryStack,
    failoverMode: config.failover.mode,
    restoresFromReplica: vault.replica,
    restoreSourceBucketName: vault.bucketName,
    failoverInstanceIdentifier: failover.instanceIdentifier,
    failoverAddress: failover.address,
    failoverPort: failover.port,
    failoverMasterSecretArn: failover.masterSecretArn,
    failoverSecurityGroupId: failover.securityGroupId,
    restoreFunctionName: failover.restoreFunctionName,
    failoverAppPasswordSecretArn: failover.appPasswordSecretArn,
    promoteFunctionName: failover.promoteFunctionName,
    failoverPromotion: failover.promotion,
    appSecretSwitched: failover.appSecretSwitched,
    replicateFunctionName: failover.replicateFunctionName,
    failoverReplication: failover.replication,
    replicationSourceSecretArn: failover.replicationSourceSecretArn,
    sev1TopicArn: alerting.sev1TopicArn,
    sev2TopicArn: alerting.sev2TopicArn,
    sev3TopicArn: alerting.sev3TopicArn,
    sev4TopicArn: alerting.sev4TopicArn,
  };
}

export type DrOutputs = Awaited<ReturnType<typeof buildDr>>;
