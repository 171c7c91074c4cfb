import { BloomResourceRule, forTypes } from "../lib/rule";
import { reportUnprotected } from "../lib/protection";
import { APP_SECRET_TAG, SECRETS_MANAGER_SECRET_TYPES } from "../lib/resourceTypes";

/** The app reads its DATABASE_URL from this secret: deleting it takes the app down. */
export const appSecretProtected: BloomResourceRule = {
  name: "app-secret-protected",
  description: `The app's DATABASE_URL secret (tagged ${APP_SECRET_TAG}) must carry the Pulumi protect option and retainOnDelete.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Create the secret with `{ protect: true, retainOnDelete: true }` (AppDatabaseSecret does). Retire it only after the app no longer reads it, with `pulumi state unprotect <urn>` first.",
  validateResource: forTypes(SECRETS_MANAGER_SECRET_TYPES, (props, args, reportViolation) => {
    if (props.tags?.[APP_SECRET_TAG] === undefined)
      return args.notApplicable(`not the app's secret (no ${APP_SECRET_TAG} tag)`);
    reportUnprotected("the app's DATABASE_URL secret", args.opts, reportViolation);
  }),
};
