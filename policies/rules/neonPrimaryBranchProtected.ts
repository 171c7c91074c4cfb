import { BloomResourceRule, forTypes } from "../lib/rule";

const NEON_BRANCH_TYPES = ["neon:index/branch:Branch"];

/**
 * Advisory: Neon's protected branches (paid plans) refuse deletion and reset from the console
 * and API. PITR branches (created at a parentTimestamp) are throwaway and exempt.
 */
export const neonPrimaryBranchProtected: BloomResourceRule = {
  name: "neon-primary-branch-protected",
  description:
    'A Neon branch that is not a point-in-time branch (no parentTimestamp) holds production data and should be a Neon protected branch (protected: "yes").',
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set bloom-dr:neon.protectPrimaryBranch to true (the Neon plan must support protected branches), then `pulumi up -s prod`.",
  validateResource: forTypes(NEON_BRANCH_TYPES, (props, _args, reportViolation) => {
    if (props.parentTimestamp !== undefined) return;
    if (props.protected !== "yes" && props.protected !== true) {
      reportViolation(
        `branch ${JSON.stringify(props.name ?? "(unnamed)")} is not a Neon protected branch (protected is ${JSON.stringify(props.protected)})`,
      );
    }
  }),
};
