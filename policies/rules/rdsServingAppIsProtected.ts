import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import { knownValue } from "../lib/links";
import { servingSecrets } from "../lib/servingSecret";

/**
 * Structural twin of rds-deletion-protection-when-active that needs no tag: once a secret
 * (the app's DATABASE_URL) is written from an RDS instance, that instance is serving the app.
 */
export const rdsServingAppIsProtected: BloomStackRule = {
  name: "rds-serving-app-is-protected",
  description:
    "An RDS instance that a Secrets Manager secret value is built from (the app's DATABASE_URL after a failover) must have deletionProtection: true and the Pulumi protect option.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set bloom-dr:failover.mode to active (FailoverDatabase then turns on deletionProtection and protect before it repoints the secret); never write the app's URL from an unprotected instance.",
  validateStack: (args, reportViolation) => {
    const byInstance = new Map<string, { instance: PolicyResource; names: string[] }>();
    for (const { version, instance } of servingSecrets(args.resources)) {
      const entry = byInstance.get(instance.urn) ?? { instance, names: [] };
      entry.names.push(version.name);
      byInstance.set(instance.urn, entry);
    }
    for (const { instance, names: versionNames } of byInstance.values()) {
      const names = versionNames.join(", ");
      if (knownValue(instance.props, "deletionProtection") !== true) {
        reportViolation(`${instance.name} backs the secret ${names} but deletionProtection is not true`, instance.urn);
      }
      if (instance.opts.protect !== true) {
        reportViolation(
          `${instance.name} backs the secret ${names} but is not protected; pass { protect: true }`,
          instance.urn,
        );
      }
    }
  },
};
