/**
 * zod schemas for every key of the `bloom-dr:` stack config (DESIGN.md "Stack config").
 * Objects are strict so a misspelt key is an error, not a silently ignored setting. Every default
 * is set here, and is the secure choice. Cross-field rules live in configRules.ts.
 */
import { z } from "zod";
import { alertProtocol, nonConfirmingService } from "../components/alertEndpoints";
import { CONFIRMING_ENDPOINTS_RULE } from "../policies/lib/confirmingEndpoints";
import * as f from "./configFormats";
import { NEON_PLANS } from "./neonPlans";

const text = (pattern: RegExp, rule: string) => z.string().regex(pattern, { message: rule });
const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);

export const NEON_DEFAULTS = {
  regionId: "aws-us-east-2",
  pgVersion: 17,
  historyRetentionHours: 168,
  databaseName: "bloom",
  roleName: "bloom_app",
  primaryBranchName: "production",
  protectPrimaryBranch: true,
  // Irreversible on Neon, and it keeps the primary's compute awake while a replica subscribes.
  logicalReplication: false,
  replicationRoleName: "bloom_replicator",
  // The smallest plan that keeps the 7-day history window the policy pack requires.
  plan: "launch",
} as const;

export const neonSchema = z.strictObject({
  projectName: text(f.NEON_PROJECT_NAME, f.NEON_PROJECT_NAME_RULE),
  // Needed with a personal API key (Neon answers "org_id is required" without it); an
  // organization API key implies its own organization.
  orgId: text(f.NEON_ORG_ID, f.NEON_ORG_ID_RULE).optional(),
  // The organization's plan: protected branches and history beyond 6 hours need a paid plan.
  plan: z.enum(NEON_PLANS).default(NEON_DEFAULTS.plan),
  regionId: text(f.NEON_REGION, f.NEON_REGION_RULE).default(NEON_DEFAULTS.regionId),
  pgVersion: z
    .union([z.literal(14), z.literal(15), z.literal(16), z.literal(17), z.literal(18)])
    .default(NEON_DEFAULTS.pgVersion),
  // Neon keeps at most 30 days of history (Scale plan); the PITR window is this many hours.
  historyRetentionHours: wholeNumber(1, 720).default(NEON_DEFAULTS.historyRetentionHours),
  databaseName: text(f.POSTGRES_IDENTIFIER, f.POSTGRES_IDENTIFIER_RULE).default(NEON_DEFAULTS.databaseName),
  roleName: text(f.POSTGRES_IDENTIFIER, f.POSTGRES_IDENTIFIER_RULE).default(NEON_DEFAULTS.roleName),
  primaryBranchName: text(f.NEON_BRANCH_NAME, f.NEON_BRANCH_NAME_RULE).default(NEON_DEFAULTS.primaryBranchName),
  protectPrimaryBranch: z.boolean().default(NEON_DEFAULTS.protectPrimaryBranch),
  // wal_level=logical on the project and a replication role, for a dr stack in failover.mode replica.
  logicalReplication: z.boolean().default(NEON_DEFAULTS.logicalReplication),
  // Only with logicalReplication; omitted here so the rule can tell "set" from "defaulted".
  replicationRoleName: text(f.POSTGRES_IDENTIFIER, f.POSTGRES_IDENTIFIER_RULE).optional(),
});

export const pitrBranchSchema = z.strictObject({
  name: text(f.NEON_BRANCH_NAME, f.NEON_BRANCH_NAME_RULE),
  at: text(f.ISO_UTC_TIMESTAMP, f.ISO_UTC_TIMESTAMP_RULE),
  /** The branch already exists: skip the history-window check (the window only matters at creation). */
  keepAfterWindow: z.boolean().default(false),
});

export const BACKUP_DEFAULTS = {
  schedule: "cron(0 2 * * ? *)",
  retentionDays: 35,
  objectLockDays: 14,
  runner: "lambda",
  prefix: "production/",
  stalenessGraceMinutes: 60,
  reserveConcurrency: false,
} as const;

export const backupSchema = z.strictObject({
  schedule: text(f.SCHEDULE_EXPRESSION, f.SCHEDULE_EXPRESSION_RULE).default(BACKUP_DEFAULTS.schedule),
  retentionDays: wholeNumber(1, 3650).default(BACKUP_DEFAULTS.retentionDays),
  objectLockDays: wholeNumber(1, 3650).default(BACKUP_DEFAULTS.objectLockDays),
  runner: z.enum(["lambda", "fargate"]).default(BACKUP_DEFAULTS.runner),
  prefix: text(f.S3_PREFIX, f.S3_PREFIX_RULE).default(BACKUP_DEFAULTS.prefix),
  stalenessGraceMinutes: wholeNumber(0, 1440).default(BACKUP_DEFAULTS.stalenessGraceMinutes),
  breakGlassRoleArn: text(f.IAM_ROLE_ARN, f.IAM_ROLE_ARN_RULE).optional(),
  // Who may reconfigure the vault (with break-glass); default the identity running `pulumi up`.
  deployerArn: text(f.IAM_PRINCIPAL_ARN, f.IAM_PRINCIPAL_ARN_RULE).optional(),
  replicaRegion: text(f.AWS_REGION, f.AWS_REGION_RULE).optional(),
  // Lambda runner: reserve one concurrent execution (the account must keep 10 unreserved).
  reserveConcurrency: z.boolean().default(BACKUP_DEFAULTS.reserveConcurrency),
});

const alertEndpoint = z
  .string()
  .refine((value) => alertProtocol(value) !== undefined, {
    message: "must be an email address or an https:// URL without credentials",
    abort: true,
  })
  .refine((value) => nonConfirmingService(value) === undefined, { message: CONFIRMING_ENDPOINTS_RULE });
const alertList = z.array(alertEndpoint).default([]);

export const alertsSchema = z.strictObject({ sev1: alertList, sev2: alertList, sev3: alertList, sev4: alertList });

export const FAILOVER_DEFAULTS = {
  mode: "off",
  instanceClass: "db.t4g.medium",
  allocatedStorageGb: 100,
  engineVersion: "17",
  backupRetentionDays: 7,
  restoreSchedule: "cron(0 6 * * ? *)",
  databaseName: "bloom",
  reserveConcurrency: false,
  appSecret: "primary",
  // The app role promotion creates in the RDS instance (prod's neon.roleName by default).
  appRole: "bloom_app",
  // The playbook's RPO is 24 h; a daily backup that ran a little late still passes.
  maxBackupAgeHours: 26,
  allowStaleBackup: false,
  // replica: the lag (seconds behind Neon) at which the SEV-2 alarm fires.
  replicaMaxLagSeconds: 60,
  replicationStopped: false,
} as const;

export const FAILOVER_APP_DEFAULTS = {
  healthTimeoutSeconds: 300,
} as const;

// Run where `pulumi up` runs, after the app's DATABASE_URL moved (components/appHooks.ts).
export const failoverAppSchema = z.strictObject({
  // A secret (it carries the hook's token): set with `pulumi config set --secret --path`.
  redeployHookUrl: z.string().min(1).optional(),
  healthUrl: z.string().refine(f.isHttpUrlWithoutCredentials, { message: f.HTTP_URL_RULE }).optional(),
  healthTimeoutSeconds: wholeNumber(10, 3600).default(FAILOVER_APP_DEFAULTS.healthTimeoutSeconds),
});

export const failoverSchema = z.strictObject({
  mode: z.enum(["off", "standby", "replica", "active"]).default(FAILOVER_DEFAULTS.mode),
  instanceClass: text(f.RDS_INSTANCE_CLASS, f.RDS_INSTANCE_CLASS_RULE).default(FAILOVER_DEFAULTS.instanceClass),
  allocatedStorageGb: wholeNumber(20, 65536).default(FAILOVER_DEFAULTS.allocatedStorageGb),
  engineVersion: text(f.POSTGRES_ENGINE_VERSION, f.POSTGRES_ENGINE_VERSION_RULE).default(
    FAILOVER_DEFAULTS.engineVersion,
  ),
  // RDS allows 0-35; fewer than 7 days of automated backups is below the playbook's floor.
  backupRetentionDays: wholeNumber(7, 35).default(FAILOVER_DEFAULTS.backupRetentionDays),
  restoreSchedule: text(f.SCHEDULE_EXPRESSION, f.SCHEDULE_EXPRESSION_RULE).default(FAILOVER_DEFAULTS.restoreSchedule),
  appCidrs: z.array(z.string().refine(f.isPrivateReachCidr, { message: f.CIDR_RULE })).default([]),
  vpcId: text(f.VPC_ID, f.VPC_ID_RULE).optional(),
  subnetIds: z.array(text(f.SUBNET_ID, f.SUBNET_ID_RULE)).optional(),
  smokeQuery: z.string().min(1).optional(),
  // The restore test: reserve one concurrent execution (the account must keep 10 unreserved).
  reserveConcurrency: z.boolean().default(FAILOVER_DEFAULTS.reserveConcurrency),
  // Which copy of the app's DATABASE_URL secret an active failover writes: the prod region's, or
  // the promoted replica in this region during a prod-region outage.
  appSecret: z.enum(["primary", "replica"]).default(FAILOVER_DEFAULTS.appSecret),
  // The database the backups are restored into and the app's URL names on failover: the same
  // name as prod's neon.databaseName, so the app sees the same database name after a failover.
  databaseName: text(f.POSTGRES_IDENTIFIER, f.POSTGRES_IDENTIFIER_RULE).default(FAILOVER_DEFAULTS.databaseName),
  // Promotion (active): the role the app connects as, and how old a backup it may serve from.
  appRole: text(f.POSTGRES_IDENTIFIER, f.POSTGRES_IDENTIFIER_RULE).default(FAILOVER_DEFAULTS.appRole),
  maxBackupAgeHours: wholeNumber(1, 8760).default(FAILOVER_DEFAULTS.maxBackupAgeHours),
  allowStaleBackup: z.boolean().default(FAILOVER_DEFAULTS.allowStaleBackup),
  // replica: the status check's threshold, and the lag alarm's.
  replicaMaxLagSeconds: wholeNumber(1, 86400).default(FAILOVER_DEFAULTS.replicaMaxLagSeconds),
  // Leaving replica for standby or off: the operator confirms the subscription was stopped.
  replicationStopped: z.boolean().default(FAILOVER_DEFAULTS.replicationStopped),
  app: failoverAppSchema.optional(),
});

export const drillSchema = z.strictObject({ scenario: z.enum(["pitr", "restore", "failover"]) });

export const HEALTH_PROBE_DEFAULTS = {
  schedule: "rate(1 minute)",
  failuresToAlarm: 3,
  // the playbook's connection limit (100 on Neon's Free plan): SEV-3 well before new sessions are refused
  connectionUsagePercent: 80,
} as const;

export const healthProbeSchema = z.strictObject({
  schedule: text(f.SCHEDULE_EXPRESSION, f.SCHEDULE_EXPRESSION_RULE).default(HEALTH_PROBE_DEFAULTS.schedule),
  failuresToAlarm: wholeNumber(1, 60).default(HEALTH_PROBE_DEFAULTS.failuresToAlarm),
  connectionUsagePercent: wholeNumber(1, 100).default(HEALTH_PROBE_DEFAULTS.connectionUsagePercent),
});

export const MAINTENANCE_DEFAULTS = {
  enabled: false,
  message:
    "Estamos realizando mantenimiento; volvemos pronto. / We are performing maintenance and will be back shortly.",
} as const;

export const maintenanceSchema = z.strictObject({
  enabled: z.boolean().default(MAINTENANCE_DEFAULTS.enabled),
  message: z.string().trim().min(1).max(1000).default(MAINTENANCE_DEFAULTS.message),
  eta: text(f.ISO_UTC_TIMESTAMP, f.ISO_UTC_TIMESTAMP_RULE).optional(),
});

export const roleSchema = z.enum(["prod", "dr"]);

/** Every top-level key; the loader rejects any other `bloom-dr:` key. */
export const stackConfigSchema = z.strictObject({
  role: roleSchema,
  neon: neonSchema.optional(),
  pitrBranches: z.array(pitrBranchSchema).optional(),
  backup: backupSchema.optional(),
  alerts: alertsSchema.default({ sev1: [], sev2: [], sev3: [], sev4: [] }),
  primaryStack: text(f.STACK_REFERENCE, f.STACK_REFERENCE_RULE).optional(),
  failover: failoverSchema.optional(),
  drill: drillSchema.optional(),
  healthProbe: healthProbeSchema.optional(),
  maintenance: maintenanceSchema.optional(),
});

/** Allowed keys per object, for "unknown key" messages (path without indices). */
export const OBJECT_KEYS: Record<string, readonly string[]> = {
  "": Object.keys(stackConfigSchema.shape),
  neon: Object.keys(neonSchema.shape),
  pitrBranches: Object.keys(pitrBranchSchema.shape),
  backup: Object.keys(backupSchema.shape),
  alerts: Object.keys(alertsSchema.shape),
  failover: Object.keys(failoverSchema.shape),
  "failover.app": Object.keys(failoverAppSchema.shape),
  drill: Object.keys(drillSchema.shape),
  healthProbe: Object.keys(healthProbeSchema.shape),
  maintenance: Object.keys(maintenanceSchema.shape),
};

export type NeonConfig = z.output<typeof neonSchema>;
export type PitrBranchConfig = z.output<typeof pitrBranchSchema>;
export type BackupConfig = z.output<typeof backupSchema>;
export type AlertsConfig = z.output<typeof alertsSchema>;
export type FailoverConfig = z.output<typeof failoverSchema>;
export type FailoverAppConfig = z.output<typeof failoverAppSchema>;
export type DrillConfig = z.output<typeof drillSchema>;
export type HealthProbeConfig = z.output<typeof healthProbeSchema>;
export type MaintenanceConfig = z.output<typeof maintenanceSchema>;
export type StackRole = z.output<typeof roleSchema>;
type ParsedStackConfig = z.output<typeof stackConfigSchema>;
export type { ParsedStackConfig };

export interface ProdStackConfig {
  readonly role: "prod";
  readonly neon: NeonConfig;
  readonly pitrBranches: readonly PitrBranchConfig[];
  readonly backup: BackupConfig;
  readonly alerts: AlertsConfig;
  readonly drill?: DrillConfig;
  readonly healthProbe: HealthProbeConfig;
  readonly maintenance: MaintenanceConfig;
}

export interface DrStackConfig {
  readonly role: "dr";
  readonly primaryStack: string;
  readonly failover: FailoverConfig;
  readonly alerts: AlertsConfig;
  readonly drill?: DrillConfig;
}

export type StackConfig = ProdStackConfig | DrStackConfig;
