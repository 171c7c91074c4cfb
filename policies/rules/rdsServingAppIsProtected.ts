import type { PolicyResource } from "@pulumi/policy";
import { BloomStackRule } from "../lib/rule";
import { RDS_INSTANCE_TYPES } from "../lib/resourceTypes";
import { knownValue, ofTypes } from "../lib/links";

const SECRET_VERSION_TYPES = ["aws:secretsmanager/secretVersion:SecretVersion"];

/** The secret's value is built from the instance: the engine's dependency, or its address inside the value. */
function pointsAt(secretVersion: PolicyResource, instance: PolicyResource): boolean {
  const dependencies = secretVersion.propertyDependencies?.secretString;
  if (dependencies && dependencies.length > 0) return dependencies.some((d) => d.urn === instance.urn);
  const value = knownValue(secretVersion.props, "secretString");
  const address = knownValue(instance.props, "address");
  return typeof value === "string" && typeof address === "string" && address.length > 0 && value.includes(address);
}

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
    const secretVersions = ofTypes(args.resources, SECRET_VERSION_TYPES);
    for (const instance of ofTypes(args.resources, RDS_INSTANCE_TYPES)) {
      const serving = secretVersions.filter((s) => pointsAt(s, instance));
      if (serving.length === 0) continue;
      const names = serving.map((s) => s.name).join(", ");
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
