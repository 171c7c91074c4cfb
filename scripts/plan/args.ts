/** Command-line arguments of `npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]`. */

export const STACKS = ["prod", "dr"] as const;
export type StackName = (typeof STACKS)[number];

export interface PlanArgs {
  stack: StackName;
  /** A Pulumi.<stack>.yaml-format file to use instead of the stack's own. */
  configFile?: string;
  /**
   * dr only: the prod stack config whose outputs the dr stack's StackReference sees (default
   * Pulumi.prod.yaml), e.g. one with neon.logicalReplication for a dr plan in failover.mode replica.
   */
  prodConfigFile?: string;
  /** A policy pack config file (JSON: { "<rule>": { "enforcementLevel"?: ..., ...settings } }). */
  policyConfigFile?: string;
  json: boolean;
}

export const USAGE =
  "usage: npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]";

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let stack: string | undefined;
  let configFile: string | undefined;
  let prodConfigFile: string | undefined;
  let policyConfigFile: string | undefined;
  let json = false;
  const valueOf = (flag: string, i: number): string => {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`plan: ${flag} needs a value; ${USAGE}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    switch (flag) {
      case "--stack":
      case "-s":
        stack = inline ?? valueOf(flag, i++);
        break;
      case "--config":
        configFile = inline ?? valueOf(flag, i++);
        break;
      case "--prod-config":
        prodConfigFile = inline ?? valueOf(flag, i++);
        break;
      case "--policy-config":
        policyConfigFile = inline ?? valueOf(flag, i++);
        break;
      case "--json":
        json = true;
        break;
      default:
        throw new Error(`plan: unknown argument "${arg}"; ${USAGE}`);
    }
  }
  if (stack === undefined) throw new Error(`plan: --stack is required; ${USAGE}`);
  if (!(STACKS as readonly string[]).includes(stack))
    throw new Error(`plan: --stack must be one of ${STACKS.join(", ")} (got "${stack}")`);
  if (prodConfigFile !== undefined && stack !== "dr")
    throw new Error(`plan: --prod-config shapes the prod outputs a dr stack reads; use it with --stack dr; ${USAGE}`);
  return {
    stack: stack as StackName,
    ...(configFile ? { configFile } : {}),
    ...(prodConfigFile ? { prodConfigFile } : {}),
    ...(policyConfigFile ? { policyConfigFile } : {}),
    json,
  };
}
