import { BloomResourceRule, forTypes } from "../lib/rule";
import { NEON_PROJECT_TYPES } from "../lib/resourceTypes";

/** Deleting the Neon project deletes the database and its whole history: no backup of ours covers that window. */
export const neonProjectProtected: BloomResourceRule = {
  name: "neon-project-protected",
  description:
    "The Neon project (the production database and its PITR history) must carry the Pulumi protect option, so no update or destroy can delete it.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Create the project with `{ protect: true }` (NeonPrimary does). To retire it deliberately, run `pulumi state unprotect <urn>` first, after a final backup.",
  validateResource: forTypes(NEON_PROJECT_TYPES, (_props, args, reportViolation) => {
    if (args.opts.protect !== true) reportViolation("the project is not protected; pass { protect: true }");
  }),
};
