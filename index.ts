/**
 * bloom-dr: the recovery posture of a Neon-hosted database. Picks the stack builder by
 * `bloom-dr:role` and exports its outputs (documented in the README: Stack outputs).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./stacks/config";
import { buildDr } from "./stacks/dr";
import { buildProd } from "./stacks/prod";

const config = loadStackConfig();
const outputs = config.role === "prod" ? buildProd(config, pulumi.getStack()) : buildDr(config, pulumi.getStack());

export = outputs;
