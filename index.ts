/**
 * bloom-dr: the recovery posture of a Neon-hosted database. Picks the stack builder by
 * `bloom-dr:role` and exports its outputs (documented in the README: Stack outputs). The export is
 * an async function, which the Pulumi Node host runs and awaits: the dr builder checks live state
 * before it declares any resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./stacks/config";
import { buildDr } from "./stacks/dr";
import { buildProd } from "./stacks/prod";

export = async () => {
  const config = loadStackConfig();
  return config.role === "prod" ? buildProd(config, pulumi.getStack()) : await buildDr(config, pulumi.getStack());
};
