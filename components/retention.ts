/**
 * Retention math of the backup vault: how long current and noncurrent object versions live, and
 * how it relates to the Object Lock window. Pure, table-tested.
 */

export interface VaultRetention {
  /** Current versions expire (become noncurrent behind a delete marker) after this many days. */
  readonly currentVersionExpirationDays: number;
  /**
   * Noncurrent versions are removed this many days after they became noncurrent. One day:
   * protection against deletion comes from Object Lock and the bucket policy, not from keeping
   * old versions, so a backup is physically gone about retentionDays + 1 days after it was
   * written (as long as its lock expired; S3 lifecycle retries locked versions later).
   */
  readonly noncurrentVersionExpirationDays: number;
  /** Parts of an interrupted multipart upload are deleted after this many days. */
  readonly abortIncompleteMultipartUploadDays: number;
  /** Default Object Lock retention of every new object version. */
  readonly objectLockDays: number;
}

export const NONCURRENT_VERSION_DAYS = 1;
export const ABORT_MULTIPART_DAYS = 1;
/** S3 Object Lock default retention allows at most 100 years in days (36500). */
export const MAX_OBJECT_LOCK_DAYS = 36500;

function wholeDays(key: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key} must be a whole number of days between ${min} and ${max} (got ${value})`);
  }
  return value;
}

export function vaultRetention(retentionDays: number, objectLockDays: number): VaultRetention {
  wholeDays("retentionDays", retentionDays, 1, MAX_OBJECT_LOCK_DAYS);
  wholeDays("objectLockDays", objectLockDays, 1, MAX_OBJECT_LOCK_DAYS);
  if (objectLockDays > retentionDays) {
    // Otherwise lifecycle expiry would keep failing on locked versions and bills keep growing.
    throw new Error(
      `objectLockDays (${objectLockDays}) must not exceed retentionDays (${retentionDays}); lower objectLockDays or raise retentionDays`,
    );
  }
  return {
    currentVersionExpirationDays: retentionDays,
    noncurrentVersionExpirationDays: NONCURRENT_VERSION_DAYS,
    abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
    objectLockDays,
  };
}
