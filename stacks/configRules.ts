/**
 * Rules that span several keys, checked after the schemas: which keys each role takes, PITR
 * timestamps against the clock and the history window, unique names, retention ordering.
 * Pure; the clock is a parameter so tests can pin it. Each rule returns the first problem found
 * as a one-line message, or undefined.
 */
import { SEVERITIES } from "../components/alertEndpoints";
import { healthProbeAlarmSpecs } from "../components/healthProbeAlarms";
import { NEON_DEFAULT_BRANCH } from "../components/neonNames";
import { CONFIG_NAMESPACE, shown } from "./configErrors";
import {
  BACKUP_DEFAULTS,
  AlertsConfig,
  BackupConfig,
  FailoverConfig,
  HealthProbeConfig,
  NeonConfig,
  ParsedStackConfig,
  PitrBranchConfig,
} from "./configSchema";

const k = (key: string) => `${CONFIG_NAMESPACE}:${key}`;

export function roleKeyProblem(config: ParsedStackConfig, stackName: string): string | undefined {
  if (config.role === "prod") {
    if (config.primaryStack !== undefined)
      return `${k("primaryStack")} is only for dr stacks; remove it from the prod stack "${stackName}"`;
    if (config.failover !== undefined)
      return `${k("failover")} is only for dr stacks; remove it from the prod stack "${stackName}" and set it on the dr stack`;
    if (config.neon === undefined) return `${k("neon")} is required for a prod stack (at least { projectName })`;
    return undefined;
  }
  for (const prodOnly of ["neon", "pitrBranches", "backup", "healthProbe", "maintenance"] as const) {
    if (config[prodOnly] !== undefined)
      return `${k(prodOnly)} is only for prod stacks; remove it from the dr stack "${stackName}" (it reads the prod stack's outputs)`;
  }
  if (config.primaryStack === undefined)
    return `${k("primaryStack")} is required for a dr stack (the prod stack to reference, e.g. acme/bloom-dr/prod)`;
  if (config.primaryStack.split("/").pop() === stackName) {
    return `${k("primaryStack")} must name the prod stack, not this dr stack (got ${shown(config.primaryStack)})`;
  }
  if (config.failover === undefined) return `${k("failover")} is required for a dr stack (at least { mode: off })`;
  return undefined;
}

export function backupProblem(backup: BackupConfig | undefined, awsRegion?: string): string | undefined {
  const retentionDays = backup?.retentionDays ?? BACKUP_DEFAULTS.retentionDays;
  const objectLockDays = backup?.objectLockDays ?? BACKUP_DEFAULTS.objectLockDays;
  if (objectLockDays > retentionDays) {
    return `${k("backup.objectLockDays")} must be at most backup.retentionDays (${retentionDays}) so locked backups can expire (got ${objectLockDays})`;
  }
  if (backup?.replicaRegion !== undefined && backup.replicaRegion === awsRegion) {
    return `${k("backup.replicaRegion")} must differ from the stack's aws:region (${awsRegion}): a replica in the same region survives no regional outage (got ${shown(backup.replicaRegion)})`;
  }
  return undefined;
}

/** The primary branch is created from the default branch, so it cannot take its name. */
export function neonProblem(neon: NeonConfig): string | undefined {
  if (neon.primaryBranchName === NEON_DEFAULT_BRANCH) {
    return `${k("neon.primaryBranchName")} must not be ${shown(NEON_DEFAULT_BRANCH)}, the project's default branch it is created from (got ${shown(neon.primaryBranchName)}); use e.g. "production"`;
  }
  return undefined;
}

export function pitrBranchProblem(
  branches: readonly PitrBranchConfig[],
  neon: NeonConfig,
  now: Date,
): string | undefined {
  const reserved = new Set([neon.primaryBranchName, NEON_DEFAULT_BRANCH]);
  const seen = new Map<string, number>();
  const windowStart = new Date(now.getTime() - neon.historyRetentionHours * 3_600_000);
  for (const [index, branch] of branches.entries()) {
    const key = `pitrBranches[${index}]`;
    if (reserved.has(branch.name))
      return `${k(`${key}.name`)} ${shown(branch.name)} is the primary or default branch's name; choose another`;
    const first = seen.get(branch.name);
    if (first !== undefined)
      return `${k(`${key}.name`)} ${shown(branch.name)} is already used by pitrBranches[${first}]; branch names must be unique`;
    seen.set(branch.name, index);
    const at = new Date(branch.at);
    if (Number.isNaN(at.getTime())) return `${k(`${key}.at`)} is not a real date (got ${shown(branch.at)})`;
    if (at.getTime() >= now.getTime())
      return `${k(`${key}.at`)} must be in the past (got ${shown(branch.at)}, now ${now.toISOString()})`;
    if (!branch.keepAfterWindow && at.getTime() < windowStart.getTime()) {
      return `${k(`${key}.at`)} is outside the ${neon.historyRetentionHours}-hour history window (earliest ${windowStart.toISOString()}, got ${shown(branch.at)}); pick a later time, or set keepAfterWindow: true if the branch already exists`;
    }
  }
  return undefined;
}

export function failoverProblem(failover: FailoverConfig): string | undefined {
  const hasVpc = failover.vpcId !== undefined;
  const hasSubnets = failover.subnetIds !== undefined;
  if (hasVpc && !hasSubnets) return `${k("failover.subnetIds")} is required when failover.vpcId is set (got nothing)`;
  if (hasSubnets && !hasVpc) return `${k("failover.vpcId")} is required when failover.subnetIds is set (got nothing)`;
  if (failover.subnetIds !== undefined) {
    if (failover.subnetIds.length < 2)
      return `${k("failover.subnetIds")} must list at least 2 subnets in different availability zones (got ${failover.subnetIds.length})`;
    if (new Set(failover.subnetIds).size !== failover.subnetIds.length)
      return `${k("failover.subnetIds")} must not repeat a subnet (got ${shown(failover.subnetIds)})`;
  }
  const cidrs = new Set<string>();
  for (const [index, cidr] of failover.appCidrs.entries()) {
    if (cidrs.has(cidr)) return `${k(`failover.appCidrs[${index}]`)} repeats ${shown(cidr)}; list each CIDR once`;
    cidrs.add(cidr);
  }
  return undefined;
}

export function alertsProblem(alerts: AlertsConfig): string | undefined {
  for (const severity of SEVERITIES) {
    const seen = new Set<string>();
    for (const [index, endpoint] of alerts[severity].entries()) {
      const normalized = endpoint.toLowerCase();
      if (seen.has(normalized))
        return `${k(`alerts.${severity}[${index}]`)} repeats ${shown(endpoint)}; list each endpoint once`;
      seen.add(normalized);
    }
  }
  return undefined;
}

/** The probe's schedule and alarm windows, checked the way the component will use them. */
export function healthProbeProblem(healthProbe: HealthProbeConfig | undefined): string | undefined {
  if (healthProbe === undefined) return undefined;
  try {
    healthProbeAlarmSpecs(healthProbe, "the database");
  } catch (err) {
    const message = (err as Error).message;
    const key = /^failuresToAlarm/.test(message) ? "healthProbe.failuresToAlarm" : "healthProbe.schedule";
    return `${k(key)}: ${message}`;
  }
  return undefined;
}
