import { BloomResourceRule, forTypes } from "../lib/rule";
import { KMS_KEY_TYPES } from "../lib/resourceTypes";

/**
 * Backups, the failover database's final snapshot and its managed master secret are encrypted with
 * bloom-dr's keys: removing a key from the program (the failover instance going standby -> off,
 * the replica vault dropped) must not schedule its deletion.
 */
export const kmsKeyRetainedOnDelete: BloomResourceRule = {
  name: "kms-key-retained-on-delete",
  description:
    "Every KMS key must be retained on delete (retainOnDelete), so that removing it from the program never schedules the deletion of a key that backups or snapshots are encrypted with. Judged where the runner reports the option (the offline plan).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Create the key with `{ retainOnDelete: true }` (BackupVault and FailoverDatabase do). Schedule a retained key's deletion by hand once nothing it encrypts is needed.",
  validateResource: forTypes(KMS_KEY_TYPES, (_props, args, reportViolation) => {
    const retainOnDelete = (args.opts as { retainOnDelete?: boolean }).retainOnDelete;
    if (retainOnDelete === false) {
      reportViolation("the key is not retained on delete; pass { retainOnDelete: true }");
    }
  }),
};
