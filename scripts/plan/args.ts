/** Command-line arguments of `npm run plan -- --stack prod|dr [--config FILE] [--policy-config FILE] [--json]`. */

export const STACKS = ["prod", "dr"] as const;
export type StackName = (typeof STACKS)[number];

export interface PlanArgs {
  stack: StackName;
  /** A Pulumi.<stack>.yaml-format file to use instead of the stack's own. */
  configFile?: string;
  /** A policy pack config file (JSON: { "<rule>": { "enforcementLevel"?: ..., ...settings } }). */
  policyConfigFile?: string;
  json: boolean;
}

export const USAGE = "usage: npm run plan -- --stack prod|dr [--config FILE] [--policy-config FILE] [--json]";

export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  let stack: string | undefined;
  let configFile: string | undefined;
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
  return {
    stack: stack as StackName,
    ...(configFile ? { configFile } : {}),
    ...(policyConfigFile ? { policyConfigFile } : {}),
    json,
  };
}
