import { BloomResourceRule, forTypes } from "../lib/rule";
import { reportUnprotected } from "../lib/protection";
import { NEON_DATA_TYPES } from "../lib/resourceTypes";

/**
 * Replacing the database deletes the production data; replacing its owner role drops the role and
 * what it owns (a `roleName` change planned exactly that). Protect turns such a plan into an error.
 */
export const neonDatabaseAndRoleProtected: BloomResourceRule = {
  name: "neon-database-and-role-protected",
  description:
    "Neon databases and roles (the production database and its owner) must carry the Pulumi protect option and retainOnDelete, so no update replaces them and no destroy deletes them.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Create them with `{ protect: true, retainOnDelete: true }` (NeonPrimary does). Rename a database or role in Neon deliberately (after a backup), then align the config and `pulumi refresh`; never let `pulumi up` replace them.",
  validateResource: forTypes(NEON_DATA_TYPES, (props, args, reportViolation) => {
    const kind = args.type === "neon:index/role:Role" ? "role" : "database";
    reportUnprotected(`the Neon ${kind} ${JSON.stringify(props.name ?? "(unnamed)")}`, args.opts, reportViolation);
  }),
};
