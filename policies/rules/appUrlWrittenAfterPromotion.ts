import { BloomStackRule } from "../lib/rule";
import { LAMBDA_INVOCATION_TYPES } from "../lib/resourceTypes";
import { servingSecrets } from "../lib/servingSecret";

/**
 * The app's DATABASE_URL moves to the failover database only after the promotion step (a
 * synchronous Lambda invocation that restores, validates and marks the database serving) has
 * succeeded: the secret version must depend on it, so a failed promotion fails the update with
 * the secret unchanged. Without it, `off -> active` points the app at an empty database.
 */
export const appUrlWrittenAfterPromotion: BloomStackRule = {
  name: "app-url-written-after-promotion",
  description:
    "A Secrets Manager secret version built from an RDS instance (the app's DATABASE_URL after a failover) must depend on an aws.lambda.Invocation (the promotion step).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Write the app's URL from FailoverDatabase in mode active, which invokes the promotion function first and builds the secret from its answer (dependsOn the invocation); never write the RDS URL into the app's secret by hand from the program.",
  validateStack: (args, reportViolation) => {
    for (const { version, instance } of servingSecrets(args.resources)) {
      const promoted = version.dependencies.some((d) =>
        (LAMBDA_INVOCATION_TYPES as readonly string[]).includes(d.type),
      );
      if (!promoted) {
        reportViolation(
          `${version.name} points the app at ${instance.name} but depends on no aws.lambda.Invocation: nothing restored, validated or marked the database serving before the switch`,
          version.urn,
        );
      }
    }
  },
};
