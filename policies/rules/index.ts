/**
 * Every rule of the bloom-dr policy pack, as plain objects: tests and the offline plan
 * evaluate these directly; policies/index.ts wraps them in the PolicyPack.
 */
import type { BloomRule } from "../lib/rule";
import { alarmsNotifySomeone } from "./alarmsNotifySomeone";
import { appSecretProtected } from "./appSecretProtected";
import { appUrlNotMasterUser } from "./appUrlNotMasterUser";
import { appUrlWrittenAfterPromotion } from "./appUrlWrittenAfterPromotion";
import { iamNoBroadManagedPolicies } from "./iamNoBroadManagedPolicies";
import { iamNoWildcardOnDataServices } from "./iamNoWildcardOnDataServices";
import { jobsHaveErrorAlarm } from "./jobsHaveErrorAlarm";
import { kmsKeyRetainedOnDelete } from "./kmsKeyRetainedOnDelete";
import { kmsKeyRotationEnabled } from "./kmsKeyRotationEnabled";
import { neonDatabaseAndRoleProtected } from "./neonDatabaseAndRoleProtected";
import { neonHistoryRetentionMinimum } from "./neonHistoryRetentionMinimum";
import { neonPrimaryBranchProtected } from "./neonPrimaryBranchProtected";
import { neonProjectProtected } from "./neonProjectProtected";
import { noPasswordInFunctionEnvironment } from "./noPasswordInFunctionEnvironment";
import { rdsBackupRetentionMinimum } from "./rdsBackupRetentionMinimum";
import { rdsDeletionProtectionWhenActive } from "./rdsDeletionProtectionWhenActive";
import { rdsFinalSnapshotRequired } from "./rdsFinalSnapshotRequired";
import { rdsNotPubliclyAccessible } from "./rdsNotPubliclyAccessible";
import { rdsServingAppIsProtected } from "./rdsServingAppIsProtected";
import { rdsStorageEncrypted } from "./rdsStorageEncrypted";
import { replicaHasLagAlarm } from "./replicaHasLagAlarm";
import { scheduleHasDeadLetterQueue } from "./scheduleHasDeadLetterQueue";
import { scheduleHasRetryPolicy } from "./scheduleHasRetryPolicy";
import { sev1TopicHasAlarm } from "./sev1TopicHasAlarm";
import { sev1TopicHasSubscription } from "./sev1TopicHasSubscription";
import { vaultBucketControlsAttached } from "./vaultBucketControlsAttached";
import { vaultBucketEncryptedWithCustomerKey } from "./vaultBucketEncryptedWithCustomerKey";
import { vaultBucketObjectLockEnabled } from "./vaultBucketObjectLockEnabled";
import { vaultBucketPolicyDeniesTampering } from "./vaultBucketPolicyDeniesTampering";
import { vaultBucketPolicyRequiresTls } from "./vaultBucketPolicyRequiresTls";
import { vaultBucketProtected } from "./vaultBucketProtected";
import { vaultBucketPublicAccessBlocked } from "./vaultBucketPublicAccessBlocked";
import { vaultBucketVersioningEnabled } from "./vaultBucketVersioningEnabled";
import { vaultLifecycleRetentionMinimum } from "./vaultLifecycleRetentionMinimum";
import { vaultKeyPolicyDeniesDestruction } from "./vaultKeyPolicyDeniesDestruction";
import { vaultKeyProtected } from "./vaultKeyProtected";
import { vaultObjectLockDefaultRetention } from "./vaultObjectLockDefaultRetention";

export {
  alarmsNotifySomeone,
  appSecretProtected,
  appUrlNotMasterUser,
  appUrlWrittenAfterPromotion,
  iamNoBroadManagedPolicies,
  iamNoWildcardOnDataServices,
  jobsHaveErrorAlarm,
  kmsKeyRetainedOnDelete,
  kmsKeyRotationEnabled,
  neonDatabaseAndRoleProtected,
  neonHistoryRetentionMinimum,
  neonPrimaryBranchProtected,
  neonProjectProtected,
  noPasswordInFunctionEnvironment,
  rdsBackupRetentionMinimum,
  rdsDeletionProtectionWhenActive,
  rdsFinalSnapshotRequired,
  rdsNotPubliclyAccessible,
  rdsServingAppIsProtected,
  rdsStorageEncrypted,
  replicaHasLagAlarm,
  scheduleHasDeadLetterQueue,
  scheduleHasRetryPolicy,
  sev1TopicHasAlarm,
  sev1TopicHasSubscription,
  vaultBucketControlsAttached,
  vaultBucketEncryptedWithCustomerKey,
  vaultBucketObjectLockEnabled,
  vaultBucketPolicyDeniesTampering,
  vaultBucketPolicyRequiresTls,
  vaultBucketProtected,
  vaultBucketPublicAccessBlocked,
  vaultBucketVersioningEnabled,
  vaultKeyPolicyDeniesDestruction,
  vaultKeyProtected,
  vaultLifecycleRetentionMinimum,
  vaultObjectLockDefaultRetention,
};

export const allRules: readonly BloomRule[] = [
  // Backup vault
  vaultBucketEncryptedWithCustomerKey,
  vaultBucketVersioningEnabled,
  vaultBucketPublicAccessBlocked,
  vaultBucketPolicyRequiresTls,
  vaultBucketObjectLockEnabled,
  vaultObjectLockDefaultRetention,
  vaultLifecycleRetentionMinimum,
  vaultBucketControlsAttached,
  vaultBucketPolicyDeniesTampering,
  kmsKeyRotationEnabled,
  // Nothing that protects recovery can be deleted by a routine destroy
  vaultBucketProtected,
  vaultKeyProtected,
  vaultKeyPolicyDeniesDestruction,
  kmsKeyRetainedOnDelete,
  appSecretProtected,
  neonDatabaseAndRoleProtected,
  // Failover database
  rdsNotPubliclyAccessible,
  rdsStorageEncrypted,
  rdsBackupRetentionMinimum,
  rdsFinalSnapshotRequired,
  rdsDeletionProtectionWhenActive,
  rdsServingAppIsProtected,
  appUrlWrittenAfterPromotion,
  appUrlNotMasterUser,
  replicaHasLagAlarm,
  // Dump and restore jobs
  scheduleHasDeadLetterQueue,
  scheduleHasRetryPolicy,
  jobsHaveErrorAlarm,
  alarmsNotifySomeone,
  noPasswordInFunctionEnvironment,
  iamNoWildcardOnDataServices,
  iamNoBroadManagedPolicies,
  // Primary and alerting
  neonHistoryRetentionMinimum,
  neonProjectProtected,
  neonPrimaryBranchProtected,
  sev1TopicHasSubscription,
  sev1TopicHasAlarm,
];
