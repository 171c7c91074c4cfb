/**
 * The policy pack the Pulumi CLI loads: `pulumi preview --policy-pack policies`.
 * Constructing PolicyPack starts the analyzer's gRPC server, so nothing else imports this
 * file: tests and scripts/plan.ts use the plain rules from ./rules.
 */
import { PolicyPack } from "@pulumi/policy";
import { allRules } from "./rules";

new PolicyPack("bloom-dr-recovery-guarantees", {
  description:
    "The recovery guarantees of bloom-dr: an immutable, encrypted, private backup vault; a private, encrypted, snapshot-protected failover database; monitored backup jobs without leaked credentials; a PITR window and a SEV-1 page that reaches someone.",
  policies: [...allRules],
});
