import { BloomResourceRule, forTypes } from "../lib/rule";
import { parsePolicyDocument, undeniedActions } from "../lib/iamDocument";
import { vaultCopy } from "../lib/vaultScope";
import { KMS_KEY_TYPES, VAULT_TAG } from "../lib/resourceTypes";

/** Scheduling deletion, disabling, or rewriting the policy that forbids both. */
export const KEY_LOCK_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"] as const;

/**
 * Protect only stops Pulumi; an administrator (or a script) with kms:* could still schedule a vault
 * key's deletion. The key policy denies that to everyone but the principals it names (the
 * break-glass role; for policy changes also the deployer, which KMS requires).
 */
export const vaultKeyPolicyDeniesDestruction: BloomResourceRule = {
  name: "vault-key-policy-denies-destruction",
  description: `The key policy of every vault KMS key (tagged ${VAULT_TAG}) must deny kms:ScheduleKeyDeletion, kms:DisableKey and kms:PutKeyPolicy to every principal except ones it names by aws:PrincipalArn.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Give the key a policy with Deny statements for Principal "*" on those actions, exempting only the break-glass role (and, for kms:PutKeyPolicy, the deployer) with ArnNotEquals aws:PrincipalArn (components/vaultKeyPolicy.ts; BackupVault does this).',
  validateResource: forTypes(KMS_KEY_TYPES, (props, args, reportViolation) => {
    if (vaultCopy(props) === undefined) return args.notApplicable(`not a vault key (no ${VAULT_TAG} tag)`);
    if (props.policy === undefined || props.policy === null || props.policy === "") {
      reportViolation("the key has no key policy of its own: KMS's default policy lets any administrator delete it");
      return;
    }
    const parsed = parsePolicyDocument(props.policy);
    if ("error" in parsed) {
      reportViolation(`${parsed.error}, so it cannot be shown to deny the key's destruction`);
      return;
    }
    const missing = undeniedActions(parsed.statements, KEY_LOCK_ACTIONS);
    if (missing.length > 0) {
      reportViolation(`the key policy does not deny ${missing.join(", ")} to every principal but named ones`);
    }
  }),
};
