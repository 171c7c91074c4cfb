/**
 * Rules that span several keys, checked after the schemas: which keys each role takes, PITR
 * timestamps against the clock and the history window, unique names, retention ordering.
 * Pure; the clock is a parameter so tests can pin it. Each rule returns the first problem found
 * as a one-line message, or undefined.
 */
import { SEVERITIES } from "../components/alertEndpoints";
import { healthProbeAlarmSpecs } from "../components/healthProbeAlarms";
import { MONITOR_ROLE_NAME } from "../components/monitorRoleCommand";
import { NEON_DEFAULT_BRANCH } from "../components/neonNames";
import { IMAGE_POSTGRES_MAJOR } from "../runtime/handlers/contract";
import { CONFIG_NAMESPACE, shown } from "./configErrors";
import { NEON_PLAN_LIMITS, planForHistory } from "./neonPlans";
import {
  BACKUP_DEFAULTS,
  NEON_DEFAULTS,
  AlertsConfig,
  BackupConfig,
  DrillConfig,
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
    return `${k("primaryStack")} is required for a dr stack (the prod stack to reference: prod in the same organization and project, or acme/bloom-dr/prod)`;
  if (config.primaryStack.split("/").pop() === stackName) {
    return `${k("primaryStack")} must name the prod stack, not this dr stack (got ${shown(config.primaryStack)})`;
  }
  if (config.failover === undefined) return `${k("failover")} is required for a dr stack (at least { mode: off })`;
  return undefined;
}

export function backupProblem(backup: BackupConfig | undefined, awsRegion?: string): string | undefined {
  const retentionDays = backup?.retentionDays ?? BACKUP_DEFAULTS.retentionDays;
  const objectLockDays = backup?.objectLockDays ?? BACKUP_DEFAULTS.objectLockDays;
  if (backup?.reserveConcurrency && backup.runner === "fargate") {
    return `${k("backup.reserveConcurrency")} applies to the Lambda runner only; remove it or set backup.runner: lambda (got true with runner fargate)`;
  }
  if (objectLockDays > retentionDays) {
    return `${k("backup.objectLockDays")} must be at most backup.retentionDays (${retentionDays}) so locked backups can expire (got ${objectLockDays})`;
  }
  if (backup?.replicaRegion !== undefined && backup.replicaRegion === awsRegion) {
    return `${k("backup.replicaRegion")} must differ from the stack's aws:region (${awsRegion}): a replica in the same region survives no regional outage (got ${shown(backup.replicaRegion)})`;
  }
  return undefined;
}

/**
 * The primary branch is created from the default branch, so it cannot take its name; the history
 * window and branch protection must fit the organization's Neon plan.
 */
export function neonProblem(neon: NeonConfig): string | undefined {
  if (neon.primaryBranchName === NEON_DEFAULT_BRANCH) {
    return `${k("neon.primaryBranchName")} must not be ${shown(NEON_DEFAULT_BRANCH)}, the project's default branch it is created from (got ${shown(neon.primaryBranchName)}); use e.g. "production"`;
  }
  if (neon.pgVersion > IMAGE_POSTGRES_MAJOR) {
    return `${k("neon.pgVersion")} ${neon.pgVersion} is newer than the pg_dump ${IMAGE_POSTGRES_MAJOR} the backup image ships (runtime/Dockerfile), which refuses a newer server: use ${IMAGE_POSTGRES_MAJOR} or older, or raise the image's PostgreSQL tools and IMAGE_POSTGRES_MAJOR first (got ${neon.pgVersion})`;
  }
  const limits = NEON_PLAN_LIMITS[neon.plan];
  if (neon.protectPrimaryBranch && limits.protectedBranches === 0) {
    return `${k("neon.protectPrimaryBranch")} needs a paid Neon plan: the ${limits.label} plan (neon.plan) has no protected branches; upgrade the organization to Launch or Scale and set neon.plan, or set protectPrimaryBranch: false (got true)`;
  }
  if (neon.historyRetentionHours > limits.maxHistoryRetentionHours) {
    const enough = planForHistory(neon.historyRetentionHours);
    const upgrade = enough ? `upgrade to ${NEON_PLAN_LIMITS[enough].label} and set neon.plan: ${enough}` : "upgrade";
    return `${k("neon.historyRetentionHours")} must be at most ${limits.maxHistoryRetentionHours} on Neon's ${limits.label} plan (neon.plan) (got ${neon.historyRetentionHours}); ${upgrade}, or shorten the window`;
  }
  return replicationRoleProblem(neon);
}

/** The replication role exists only with logical replication, and is a role of its own. */
function replicationRoleProblem(neon: NeonConfig): string | undefined {
  if (!neon.logicalReplication) {
    if (neon.replicationRoleName === undefined) return undefined;
    return `${k("neon.replicationRoleName")} applies only with neon.logicalReplication: true (got ${shown(neon.replicationRoleName)}); remove it, or enable logical replication, which is irreversible (README: "Standby or replica?")`;
  }
  const role = neon.replicationRoleName ?? NEON_DEFAULTS.replicationRoleName;
  if (role === neon.roleName)
    return `${k("neon.replicationRoleName")} must differ from neon.roleName, the database owner the app connects as (got ${shown(role)}): the dr stack keeps the replication role's password, which must not be the app's`;
  if (role === MONITOR_ROLE_NAME)
    return `${k("neon.replicationRoleName")} must not be ${shown(MONITOR_ROLE_NAME)}, the health probe's role (got ${shown(role)}); use e.g. ${shown(NEON_DEFAULTS.replicationRoleName)}`;
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

/**
 * The pairs and lists of the failover network, then reachability: a standby exists to become
 * active, and an active instance is the app's database, so outside a drill both need the app's
 * own network (a VPC created here has no peering or route to it) and the app's CIDRs.
 */
export function failoverProblem(failover: FailoverConfig, drill?: DrillConfig): string | undefined {
  const replica = replicaProblem(failover, drill);
  if (replica !== undefined) return replica;
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
  if (failover.mode === "off" || drill !== undefined) return undefined;
  const missing = [
    ...(hasVpc ? [] : ["failover.vpcId", "failover.subnetIds"]),
    ...(failover.appCidrs.length > 0 ? [] : ["failover.appCidrs"]),
  ];
  if (missing.length === 0) return undefined;
  const listed = [k(missing[0]), ...missing.slice(1)];
  const names = listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(", ")} and ${listed.at(-1)}`;
  const verb = missing.length === 1 ? "is" : "are";
  const becomes = {
    active: "",
    standby: " (a standby becomes the app's database on failover)",
    replica: " (a replica becomes the app's database on failover, and reaches Neon through the VPC's NAT)",
  }[failover.mode];
  return `${names} ${verb} required when failover.mode is ${failover.mode}${becomes}: the app must reach the instance, and a VPC created here has no peering or route to it; set the app's VPC, private subnets the app can reach and the app's CIDRs, or use mode off or a drill`;
}

/**
 * A drill stack is destroyed afterwards, and nothing in a destroy can drop the subscription's slot
 * on the production Neon project; `replicationStopped` is the confirmation that lets an update
 * leave replica (stacks/replicaCheck.ts), so it must not linger while replicating.
 */
function replicaProblem(failover: FailoverConfig, drill?: DrillConfig): string | undefined {
  if (failover.mode !== "replica") return undefined;
  if (drill !== undefined)
    return `${k("failover.mode")} cannot be replica in a drill (drill scenario ${shown(drill.scenario)}): a drill stack is destroyed afterwards, and pulumi destroy cannot drop the subscription's replication slot on the production Neon project, which would keep WAL for it indefinitely; drill replication with the local failover drill's replica variant, or drill this stack's failover from standby`;
  if (failover.replicationStopped)
    return `${k("failover.replicationStopped")} must not be true while failover.mode is replica (got true): it confirms a stopped subscription when leaving replica, and left set it would let a later update leave replica without stopping it; remove it`;
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

/**
 * The app hooks of an active failover (`failover.app`). The redeploy hook URL carries the hook's
 * token, so it must arrive as a Pulumi secret (never in plain text in Pulumi.<stack>.yaml) and its
 * value is never shown. `isSecret` says whether a fully qualified config key is secret: the CLI
 * marks the whole `bloom-dr:failover` key secret when any value inside it is.
 */
export function failoverAppProblem(failover: FailoverConfig, isSecret: (key: string) => boolean): string | undefined {
  const hookUrl = failover.app?.redeployHookUrl;
  if (hookUrl === undefined) return undefined;
  if (!/^https:\/\/[^/\s]+/i.test(hookUrl)) {
    return `${k("failover.app.redeployHookUrl")} must be an https:// URL (the value is not shown: it is a secret)`;
  }
  if (!isSecret(k("failover"))) {
    return `${k("failover.app.redeployHookUrl")} must be a secret (the URL carries the hook's token): remove it from the stack file and run pulumi config set --secret --path '${k("failover.app.redeployHookUrl")}' <url>`;
  }
  return undefined;
}
