import { vaultRetention } from "../../components/retention";

test.each([
  [
    35,
    14,
    {
      currentVersionExpirationDays: 35,
      noncurrentVersionExpirationDays: 1,
      abortIncompleteMultipartUploadDays: 1,
      objectLockDays: 14,
    },
  ],
  [
    7,
    7,
    {
      currentVersionExpirationDays: 7,
      noncurrentVersionExpirationDays: 1,
      abortIncompleteMultipartUploadDays: 1,
      objectLockDays: 7,
    },
  ],
  [
    365,
    1,
    {
      currentVersionExpirationDays: 365,
      noncurrentVersionExpirationDays: 1,
      abortIncompleteMultipartUploadDays: 1,
      objectLockDays: 1,
    },
  ],
])("retention %i days, lock %i days", (retentionDays, objectLockDays, expected) => {
  expect(vaultRetention(retentionDays, objectLockDays)).toEqual(expected);
});

test.each([
  [14, 35, "objectLockDays (35) must not exceed retentionDays (14); lower objectLockDays or raise retentionDays"],
  [0, 0, "retentionDays must be a whole number of days between 1 and 36500 (got 0)"],
  [30.5, 7, "retentionDays must be a whole number of days between 1 and 36500 (got 30.5)"],
  [35, 0, "objectLockDays must be a whole number of days between 1 and 36500 (got 0)"],
  [40000, 14, "retentionDays must be a whole number of days between 1 and 36500 (got 40000)"],
])("rejects retention %s with lock %s", (retentionDays, objectLockDays, message) => {
  expect(() => vaultRetention(retentionDays, objectLockDays)).toThrow(message);
});
