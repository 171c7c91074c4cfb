/**
 * The one place stack config is read. `parseStackConfig` is pure (raw values, a clock, the stack
 * name) and throws a one-line StackConfigError naming the key, the bad value and what is allowed;
 * `loadStackConfig` reads the `bloom-dr:` namespace of the running stack once and parses it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, StackConfigError, formatIssue } from "./configErrors";
import { configNotices } from "./configNotices";
import {
  alertsProblem,
  backupProblem,
  failoverAppProblem,
  failoverProblem,
  healthProbeProblem,
  neonProblem,
  pitrBranchProblem,
  roleKeyProblem,
} from "./configRules";
import { backupSchema, healthProbeSchema, maintenanceSchema, stackConfigSchema, StackConfig } from "./configSchema";

export * from "./configSchema";
export { StackConfigError } from "./configErrors";

/** Settings from other namespaces that some rules compare against. */
export interface StackContext {
  /** The stack's `aws:region`, when set. */
  readonly awsRegion?: string;
  /** Whether a fully qualified key ("bloom-dr:failover") holds a secret; default: none does. */
  readonly isSecret?: (key: string) => boolean;
}

export function parseStackConfig(
  raw: Record<string, unknown>,
  now: Date,
  stackName: string,
  context: StackContext = {},
): StackConfig {
  const result = stackConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new StackConfigError(formatIssue(result.error.issues[0]));
  const config = result.data;

  const problem =
    roleKeyProblem(config, stackName) ??
    alertsProblem(config.alerts) ??
    (config.role === "prod"
      ? (neonProblem(config.neon!) ??
        backupProblem(config.backup, context.awsRegion) ??
        healthProbeProblem(config.healthProbe) ??
        pitrBranchProblem(config.pitrBranches ?? [], config.neon!, now))
      : (failoverProblem(config.failover!, config.drill) ??
        failoverAppProblem(config.failover!, context.isSecret ?? (() => false))));
  if (problem !== undefined) throw new StackConfigError(problem);

  if (config.role === "prod") {
    return {
      role: "prod",
      neon: config.neon!,
      pitrBranches: config.pitrBranches ?? [],
      backup: config.backup ?? backupSchema.parse({}),
      alerts: config.alerts,
      ...(config.drill ? { drill: config.drill } : {}),
      healthProbe: config.healthProbe ?? healthProbeSchema.parse({}),
      maintenance: config.maintenance ?? maintenanceSchema.parse({}),
    };
  }
  return {
    role: "dr",
    primaryStack: config.primaryStack!,
    failover: config.failover!,
    alerts: config.alerts,
    ...(config.drill ? { drill: config.drill } : {}),
  };
}

/**
 * Structured config arrives as JSON text; plain strings (role, primaryStack) stay strings.
 * Values that merely look like JSON but fail to parse are passed on so the schema names them.
 */
export function decodeConfigValue(value: string): unknown {
  const trimmed = value.trim();
  if (!/^[[{]/.test(trimmed) && !/^(true|false|-?\d+(\.\d+)?)$/.test(trimmed)) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

/** Every `bloom-dr:` key of the running stack, decoded, keyed without the namespace. */
export function readRawStackConfig(allConfig: Record<string, string>): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(allConfig)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), decodeConfigValue(value)]),
  );
}

/**
 * Whether the running stack's config key is a secret. The SDK knows (the engine passes the secret
 * keys with the config) but exports the check only untyped.
 */
export function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function")
    throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret: update stacks/config.ts");
  return runtime.isConfigSecret(key);
}

/** Reads and validates this stack's config, printing its notices as warnings; call once per program run. */
export function loadStackConfig(now: Date = new Date()): StackConfig {
  const allConfig = pulumi.runtime.allConfig();
  const config = parseStackConfig(readRawStackConfig(allConfig), now, pulumi.getStack(), {
    awsRegion: allConfig["aws:region"],
    isSecret: isConfigSecret,
  });
  for (const notice of configNotices(config)) void pulumi.log.warn(notice);
  return config;
}
