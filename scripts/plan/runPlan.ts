/**
 * The offline plan: the stack's YAML config → the real program under mocks → every policy
 * rule over every registered resource and the stack. Exit code 1 on any mandatory violation.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { evaluateRules, hasMandatoryViolation, PolicyPackConfig, Violation } from "../../policies/lib/evaluate";
import type { ResourceRecord } from "../../policies/lib/validationArgs";
import { allRules } from "../../policies/rules";
import { PlanArgs } from "./args";
import { prodStackOutputs } from "./mockProviders";
import { PlannedResource, unwrapSecrets } from "./recorder";
import { PlanReport } from "./render";
import { runProgram } from "./runProgram";
import { projectConfigFromYaml, stackConfigFromYaml } from "./stackConfig";

export const PROJECT = "bloom-dr";

export interface PlanResult {
  report: PlanReport;
  exitCode: 0 | 1;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(
      `plan: cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; check the path`,
    );
  }
}

function readPolicyConfig(file: string): PolicyPackConfig {
  try {
    return JSON.parse(readText(file, "policy config")) as PolicyPackConfig;
  } catch (error) {
    if ((error as Error).message.startsWith("plan:")) throw error;
    throw new Error(
      `plan: policy config ${file} is not valid JSON; expected { "<rule>": { "enforcementLevel"?: ..., ... } }`,
    );
  }
}

/** The engine gives resource rules the inputs and stack rules the outputs, both decrypted. */
export function policyRecords(resources: readonly PlannedResource[], view: "inputs" | "outputs"): ResourceRecord[] {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: unwrapSecrets(r[view]),
    ...(r.parentUrn ? { parentUrn: r.parentUrn } : {}),
    dependencyUrns: r.dependencyUrns,
    propertyDependencyUrns: r.propertyDependencyUrns,
    // retainOnDelete: known here, though @pulumi/policy does not pass it to packs under `pulumi preview`.
    opts: { protect: r.protect, retainOnDelete: r.retainOnDelete },
  }));
}

/**
 * The prod outputs the dr stack's StackReference returns, shaped by the prod config (the shipped
 * one, or --prod-config: region, replica region, backup prefix, logical replication) so the dr
 * program takes the same paths as for real.
 */
function offlineProdOutputs(root: string, prodConfigFile?: string): Record<string, unknown> {
  let prod: Record<string, string> = {};
  if (prodConfigFile !== undefined) {
    prod = stackConfigFromYaml(readText(prodConfigFile, "prod config"), PROJECT, prodConfigFile).values;
  } else {
    try {
      prod = stackConfigFromYaml(readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8"), PROJECT).values;
    } catch {
      // No prod config (or unreadable): the defaults describe a prod stack without a replica.
    }
  }
  const object = <T>(key: string): Partial<T> => (prod[key] ? (JSON.parse(prod[key]) as Partial<T>) : {});
  const backup = object<{ replicaRegion: string; prefix: string }>("bloom-dr:backup");
  const neon = object<{ logicalReplication: boolean; replicationRoleName: string }>("bloom-dr:neon");
  return prodStackOutputs({
    region: prod["aws:region"],
    replicaRegion: backup.replicaRegion,
    backupPrefix: backup.prefix,
    logicalReplication: neon.logicalReplication,
    replicationRoleName: neon.replicationRoleName,
  });
}

export async function runPlan(args: PlanArgs, root = path.resolve(__dirname, "../..")): Promise<PlanResult> {
  const configFile = args.configFile ? path.resolve(args.configFile) : path.join(root, `Pulumi.${args.stack}.yaml`);
  const project = projectConfigFromYaml(readText(path.join(root, "Pulumi.yaml"), "project file"), PROJECT);
  const stackConfig = stackConfigFromYaml(readText(configFile, "stack config"), PROJECT, configFile);
  const config = { values: { ...project.values, ...stackConfig.values }, secretKeys: stackConfig.secretKeys };
  const region = config.values["aws:region"];
  const policyConfig = args.policyConfigFile ? readPolicyConfig(args.policyConfigFile) : undefined;

  const run = await runProgram({
    project: PROJECT,
    stack: args.stack,
    config,
    programPath: path.join(root, "index.ts"),
    stackReferences: { "*": offlineProdOutputs(root, args.prodConfigFile && path.resolve(args.prodConfigFile)) },
    region,
  });
  const violations: Violation[] = await evaluateRules(allRules, policyRecords(run.resources, "inputs"), {
    stackResources: policyRecords(run.resources, "outputs"),
    config: policyConfig,
    stackTags: project.stackTags,
  });
  return {
    report: {
      stack: args.stack,
      configSource: path.relative(process.cwd(), configFile) || configFile,
      resources: run.resources,
      outputs: run.outputs,
      warnings: run.warnings,
      violations,
      ruleCount: allRules.length,
    },
    exitCode: hasMandatoryViolation(violations) ? 1 : 0,
  };
}
