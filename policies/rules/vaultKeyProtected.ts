import { BloomResourceRule, forTypes } from "../lib/rule";
import { reportUnprotected } from "../lib/protection";
import { vaultCopy } from "../lib/vaultScope";
import { KMS_KEY_TYPES, VAULT_TAG } from "../lib/resourceTypes";

/** Deleting a vault key (scheduled deletion) makes every backup encrypted with it unreadable. */
export const vaultKeyProtected: BloomResourceRule = {
  name: "vault-key-protected",
  description: `Every vault KMS key (tagged ${VAULT_TAG}) must carry the Pulumi protect option and retainOnDelete, so no destroy or program change schedules its deletion.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Create the key with `{ protect: true, retainOnDelete: true }` (BackupVault does). A key that is no longer needed is retired by hand, by the break-glass role, after the last backup it encrypts has expired.",
  validateResource: forTypes(KMS_KEY_TYPES, (props, args, reportViolation) => {
    if (vaultCopy(props) === undefined) return args.notApplicable(`not a vault key (no ${VAULT_TAG} tag)`);
    reportUnprotected("the vault key", args.opts, reportViolation);
  }),
};
