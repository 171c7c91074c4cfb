import {
  parseStackConfig,
  decodeConfigValue,
  readRawStackConfig,
  ProdStackConfig,
  DrStackConfig,
} from "../../stacks/config";
import { configNotices, LOGICAL_REPLICATION_NOTICE } from "../../stacks/configNotices";

const NOW = new Date("2026-03-10T12:00:00Z");

const prodBase = (): Record<string, any> => ({
  role: "prod",
  neon: { projectName: "bloom-production" },
  pitrBranches: [{ name: "restore-orders", at: "2026-03-09T08:15:00Z" }],
  backup: {},
  alerts: { sev1: ["oncall@bloom.example", "https://hooks.pagerduty.example/sev1"] },
});

const drBase = (): Record<string, any> => ({
  role: "dr",
  primaryStack: "acme/bloom-dr/prod",
  failover: {
    mode: "standby",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    appCidrs: ["10.20.0.0/16"],
  },
  alerts: { sev1: ["oncall@bloom.example"] },
});

type Mutation = (config: Record<string, any>) => void;

const badConfigs: [string, () => Record<string, any>, Mutation, string][] = [
  [
    "misspelt failover mode",
    drBase,
    (c) => (c.failover.mode = "actve"),
    'bloom-dr:failover.mode must be one of off, standby, replica, active (got "actve")',
  ],
  ["unknown role", prodBase, (c) => (c.role = "primary"), 'bloom-dr:role must be one of prod, dr (got "primary")'],
  ["missing role", prodBase, (c) => delete c.role, "bloom-dr:role is required (one of prod, dr)"],
  [
    "unknown top-level key",
    prodBase,
    (c) => (c.neonn = {}),
    "bloom-dr:neonn is not a known setting (allowed here: role, neon, pitrBranches, backup, alerts, primaryStack, failover, drill, healthProbe, maintenance)",
  ],
  [
    "unknown nested key",
    prodBase,
    (c) => (c.backup.retention = 3),
    "bloom-dr:backup.retention is not a known setting (allowed here: schedule, retentionDays, objectLockDays, runner, prefix, stalenessGraceMinutes, breakGlassRoleArn, deployerArn, replicaRegion, reserveConcurrency)",
  ],
  [
    "prod without neon",
    prodBase,
    (c) => delete c.neon,
    "bloom-dr:neon is required for a prod stack (at least { projectName })",
  ],
  ["neon without projectName", prodBase, (c) => (c.neon = {}), "bloom-dr:neon.projectName is required (a string)"],
  [
    "unsupported pg version",
    prodBase,
    (c) => (c.neon.pgVersion = 12),
    "bloom-dr:neon.pgVersion must be one of 14, 15, 16, 17, 18 (got 12)",
  ],
  [
    "a pg version newer than the image's pg_dump",
    prodBase,
    (c) => (c.neon.pgVersion = 18),
    "bloom-dr:neon.pgVersion 18 is newer than the pg_dump 17 the backup image ships (runtime/Dockerfile), which refuses a newer server: use 17 or older, or raise the image's PostgreSQL tools and IMAGE_POSTGRES_MAJOR first (got 18)",
  ],
  [
    "history window as text",
    prodBase,
    (c) => (c.neon.historyRetentionHours = "168"),
    'bloom-dr:neon.historyRetentionHours must be a number (got "168")',
  ],
  [
    "history window beyond Neon's 30 days",
    prodBase,
    (c) => (c.neon.historyRetentionHours = 721),
    "bloom-dr:neon.historyRetentionHours must be at most 720 (got 721)",
  ],
  [
    "fractional history window",
    prodBase,
    (c) => (c.neon.historyRetentionHours = 1.5),
    "bloom-dr:neon.historyRetentionHours must be a whole number (got 1.5)",
  ],
  [
    "organization id that is not one",
    prodBase,
    (c) => (c.neon.orgId = "bloom-org"),
    'bloom-dr:neon.orgId must be a Neon organization id like org-cold-wave-12345678 (Neon Console > organization Settings); set it before the first deploy: changing it later replaces the project, which protect refuses (got "bloom-org")',
  ],
  [
    "unknown Neon plan",
    prodBase,
    (c) => (c.neon.plan = "pro"),
    'bloom-dr:neon.plan must be one of free, launch, scale (got "pro")',
  ],
  [
    "protected primary branch on the Free plan",
    prodBase,
    (c) => Object.assign(c.neon, { plan: "free", historyRetentionHours: 6 }),
    "bloom-dr:neon.protectPrimaryBranch needs a paid Neon plan: the Free plan (neon.plan) has no protected branches; upgrade the organization to Launch or Scale and set neon.plan, or set protectPrimaryBranch: false (got true)",
  ],
  [
    "a 7-day history window on the Free plan",
    prodBase,
    (c) => Object.assign(c.neon, { plan: "free", protectPrimaryBranch: false }),
    "bloom-dr:neon.historyRetentionHours must be at most 6 on Neon's Free plan (neon.plan) (got 168); upgrade to Launch and set neon.plan: launch, or shorten the window",
  ],
  [
    "a 30-day history window on the default Launch plan",
    prodBase,
    (c) => (c.neon.historyRetentionHours = 720),
    "bloom-dr:neon.historyRetentionHours must be at most 168 on Neon's Launch plan (neon.plan) (got 720); upgrade to Scale and set neon.plan: scale, or shorten the window",
  ],
  [
    "primary branch named like the default branch",
    prodBase,
    (c) => (c.neon.primaryBranchName = "main"),
    'bloom-dr:neon.primaryBranchName must not be "main", the project\'s default branch it is created from (got "main"); use e.g. "production"',
  ],
  [
    "bad region",
    prodBase,
    (c) => (c.neon.regionId = "us-east-2"),
    'bloom-dr:neon.regionId must be a Neon region id such as aws-us-east-2 or azure-eastus2 (got "us-east-2")',
  ],
  [
    "role name with a capital",
    prodBase,
    (c) => (c.neon.roleName = "Bloom"),
    'bloom-dr:neon.roleName must be a lowercase Postgres identifier (a-z, 0-9, _; 1-63 characters, not starting with a digit) (got "Bloom")',
  ],
  [
    "a replication role name without logical replication",
    prodBase,
    (c) => (c.neon.replicationRoleName = "bloom_replicator"),
    'bloom-dr:neon.replicationRoleName applies only with neon.logicalReplication: true (got "bloom_replicator"); remove it, or enable logical replication, which is irreversible (README: "Standby or replica?")',
  ],
  [
    "the app's role as the replication role",
    prodBase,
    (c) => Object.assign(c.neon, { logicalReplication: true, replicationRoleName: "bloom_app" }),
    "bloom-dr:neon.replicationRoleName must differ from neon.roleName, the database owner the app connects as (got \"bloom_app\"): the dr stack keeps the replication role's password, which must not be the app's",
  ],
  [
    "the default replication role over an owner of that name",
    prodBase,
    (c) => Object.assign(c.neon, { logicalReplication: true, roleName: "bloom_replicator" }),
    "bloom-dr:neon.replicationRoleName must differ from neon.roleName, the database owner the app connects as (got \"bloom_replicator\"): the dr stack keeps the replication role's password, which must not be the app's",
  ],
  [
    "the health probe's role as the replication role",
    prodBase,
    (c) => Object.assign(c.neon, { logicalReplication: true, replicationRoleName: "bloom_monitor" }),
    'bloom-dr:neon.replicationRoleName must not be "bloom_monitor", the health probe\'s role (got "bloom_monitor"); use e.g. "bloom_replicator"',
  ],
  [
    "logical replication as a string",
    prodBase,
    (c) => (c.neon.logicalReplication = "yes"),
    'bloom-dr:neon.logicalReplication must be a boolean (true or false) (got "yes")',
  ],
  [
    "PITR timestamp in the future",
    prodBase,
    (c) => (c.pitrBranches[0].at = "2026-03-10T12:00:01Z"),
    'bloom-dr:pitrBranches[0].at must be in the past (got "2026-03-10T12:00:01Z", now 2026-03-10T12:00:00.000Z)',
  ],
  [
    "PITR timestamp before the history window",
    prodBase,
    (c) => (c.pitrBranches[0].at = "2026-03-03T11:59:59Z"),
    'bloom-dr:pitrBranches[0].at is outside the 168-hour history window (earliest 2026-03-03T12:00:00.000Z, got "2026-03-03T11:59:59Z"); pick a later time, or set keepAfterWindow: true if the branch already exists',
  ],
  [
    "PITR timestamp without a zone",
    prodBase,
    (c) => (c.pitrBranches[0].at = "2026-03-09T08:15:00"),
    'bloom-dr:pitrBranches[0].at must be an ISO-8601 UTC timestamp like 2026-03-01T14:05:00Z (got "2026-03-09T08:15:00")',
  ],
  [
    "PITR timestamp that is not a date",
    prodBase,
    (c) => (c.pitrBranches[0].at = "2026-13-09T08:15:00Z"),
    'bloom-dr:pitrBranches[0].at is not a real date (got "2026-13-09T08:15:00Z")',
  ],
  [
    "duplicate branch names",
    prodBase,
    (c) => c.pitrBranches.push({ name: "restore-orders", at: "2026-03-09T09:00:00Z" }),
    'bloom-dr:pitrBranches[1].name "restore-orders" is already used by pitrBranches[0]; branch names must be unique',
  ],
  [
    "invalid branch name",
    prodBase,
    (c) => (c.pitrBranches[0].name = "Restore_Orders"),
    'bloom-dr:pitrBranches[0].name must be a Neon branch name (a-z, 0-9, -; 1-63 characters, starting with a letter, not ending with -) (got "Restore_Orders")',
  ],
  [
    "branch named like the primary",
    prodBase,
    (c) => (c.pitrBranches[0].name = "production"),
    'bloom-dr:pitrBranches[0].name "production" is the primary or default branch\'s name; choose another',
  ],
  [
    "object lock longer than retention",
    prodBase,
    (c) => (c.backup = { retentionDays: 10, objectLockDays: 14 }),
    "bloom-dr:backup.objectLockDays must be at most backup.retentionDays (10) so locked backups can expire (got 14)",
  ],
  [
    "default object lock over a short retention",
    prodBase,
    (c) => (c.backup = { retentionDays: 7 }),
    "bloom-dr:backup.objectLockDays must be at most backup.retentionDays (7) so locked backups can expire (got 14)",
  ],
  [
    "zero retention",
    prodBase,
    (c) => (c.backup.retentionDays = 0),
    "bloom-dr:backup.retentionDays must be at least 1 (got 0)",
  ],
  [
    "unknown runner",
    prodBase,
    (c) => (c.backup.runner = "ec2"),
    'bloom-dr:backup.runner must be one of lambda, fargate (got "ec2")',
  ],
  [
    "reserved concurrency with the Fargate runner",
    prodBase,
    (c) => (c.backup = { runner: "fargate", reserveConcurrency: true }),
    "bloom-dr:backup.reserveConcurrency applies to the Lambda runner only; remove it or set backup.runner: lambda (got true with runner fargate)",
  ],
  [
    "crontab schedule",
    prodBase,
    (c) => (c.backup.schedule = "0 2 * * *"),
    'bloom-dr:backup.schedule must be an EventBridge Scheduler expression like "cron(0 2 * * ? *)" or "rate(6 hours)" (got "0 2 * * *")',
  ],
  [
    "absolute prefix",
    prodBase,
    (c) => (c.backup.prefix = "/production/"),
    'bloom-dr:backup.prefix must be an S3 key prefix like "production/" (no leading /, ending with /) (got "/production/")',
  ],
  [
    "user ARN as break-glass role",
    prodBase,
    (c) => (c.backup.breakGlassRoleArn = "arn:aws:iam::123456789012:user/admin"),
    'bloom-dr:backup.breakGlassRoleArn must be an IAM role ARN like arn:aws:iam::123456789012:role/bloom-break-glass (got "arn:aws:iam::123456789012:user/admin")',
  ],
  [
    "an assumed-role session as the deployer",
    prodBase,
    (c) => (c.backup.deployerArn = "arn:aws:sts::123456789012:assumed-role/deployer/ci-42"),
    "bloom-dr:backup.deployerArn must be an IAM role or user ARN like arn:aws:iam::123456789012:role/bloom-deployer (for an assumed role, the role's ARN, not the session's) (got \"arn:aws:sts::123456789012:assumed-role/deployer/ci-42\")",
  ],
  [
    "bad replica region",
    prodBase,
    (c) => (c.backup.replicaRegion = "oregon"),
    'bloom-dr:backup.replicaRegion must be an AWS region like us-west-2 (got "oregon")',
  ],
  [
    "http alert endpoint",
    prodBase,
    (c) => (c.alerts.sev2 = ["http://hooks.example/sev2"]),
    'bloom-dr:alerts.sev2[0] must be an email address or an https:// URL without credentials (got "http://hooks.example/sev2")',
  ],
  [
    "webhook with credentials",
    prodBase,
    (c) => (c.alerts.sev1 = ["https://user:pw@hooks.example/x"]),
    'bloom-dr:alerts.sev1[0] must be an email address or an https:// URL without credentials (got "https://user:pw@hooks.example/x")',
  ],
  [
    "a Slack incoming webhook, which never confirms an SNS subscription",
    prodBase,
    (c) => (c.alerts.sev4 = ["https://hooks.slack.com/services/T000/B000/XXXX"]),
    'bloom-dr:alerts.sev4[0] cannot confirm an SNS subscription (Slack, Microsoft Teams, Discord and Google Chat webhooks never do, so nobody would be paged): use an email address, an HTTPS endpoint that confirms subscriptions (e.g. a PagerDuty or Opsgenie SNS integration), or AWS Chatbot for chat (got "https://hooks.slack.com/services/T000/B000/XXXX")',
  ],
  [
    "alerts as a single string",
    prodBase,
    (c) => (c.alerts.sev3 = "ops@bloom.example"),
    'bloom-dr:alerts.sev3 must be a list (got "ops@bloom.example")',
  ],
  [
    "unknown severity",
    prodBase,
    (c) => (c.alerts.sev5 = []),
    "bloom-dr:alerts.sev5 is not a known setting (allowed here: sev1, sev2, sev3, sev4)",
  ],
  [
    "duplicate alert endpoint",
    prodBase,
    (c) => c.alerts.sev1.push("OnCall@bloom.example"),
    'bloom-dr:alerts.sev1[2] repeats "OnCall@bloom.example"; list each endpoint once',
  ],
  [
    "prod with primaryStack",
    prodBase,
    (c) => (c.primaryStack = "acme/bloom-dr/prod"),
    'bloom-dr:primaryStack is only for dr stacks; remove it from the prod stack "prod"',
  ],
  [
    "prod with failover",
    prodBase,
    (c) => (c.failover = { mode: "off" }),
    'bloom-dr:failover is only for dr stacks; remove it from the prod stack "prod" and set it on the dr stack',
  ],
  [
    "dr without primaryStack",
    drBase,
    (c) => delete c.primaryStack,
    "bloom-dr:primaryStack is required for a dr stack (the prod stack to reference: prod in the same organization and project, or acme/bloom-dr/prod)",
  ],
  [
    "dr without failover",
    drBase,
    (c) => delete c.failover,
    "bloom-dr:failover is required for a dr stack (at least { mode: off })",
  ],
  [
    "dr referencing itself",
    drBase,
    (c) => (c.primaryStack = "acme/bloom-dr/dr"),
    'bloom-dr:primaryStack must name the prod stack, not this dr stack (got "acme/bloom-dr/dr")',
  ],
  [
    "a stack reference with four parts",
    drBase,
    (c) => (c.primaryStack = "acme/bloom-dr/prod/extra"),
    'bloom-dr:primaryStack must be a Pulumi stack name: prod (this organization and project), bloom-dr/prod or acme/bloom-dr/prod (got "acme/bloom-dr/prod/extra")',
  ],
  [
    "dr with neon settings",
    drBase,
    (c) => (c.neon = { projectName: "x" }),
    'bloom-dr:neon is only for prod stacks; remove it from the dr stack "dr" (it reads the prod stack\'s outputs)',
  ],
  [
    "dr with a backup section",
    drBase,
    (c) => (c.backup = {}),
    'bloom-dr:backup is only for prod stacks; remove it from the dr stack "dr" (it reads the prod stack\'s outputs)',
  ],
  [
    "backup retention below 7 days",
    drBase,
    (c) => (c.failover.backupRetentionDays = 3),
    "bloom-dr:failover.backupRetentionDays must be at least 7 (got 3)",
  ],
  [
    "storage below the RDS minimum",
    drBase,
    (c) => (c.failover.allocatedStorageGb = 10),
    "bloom-dr:failover.allocatedStorageGb must be at least 20 (got 10)",
  ],
  [
    "bad instance class",
    drBase,
    (c) => (c.failover.instanceClass = "t4g.medium"),
    'bloom-dr:failover.instanceClass must be an RDS instance class like db.t4g.medium (got "t4g.medium")',
  ],
  [
    "old engine version",
    drBase,
    (c) => (c.failover.engineVersion = "13.4"),
    'bloom-dr:failover.engineVersion must be an RDS PostgreSQL version, major 14 or later, like "17" or "16.4" (got "13.4")',
  ],
  [
    "world-open app CIDR",
    drBase,
    (c) => (c.failover.appCidrs = ["0.0.0.0/0"]),
    'bloom-dr:failover.appCidrs[0] must be an IPv4 CIDR like 10.0.0.0/16, narrower than /0 (got "0.0.0.0/0")',
  ],
  [
    "malformed app CIDR",
    drBase,
    (c) => (c.failover.appCidrs = ["10.0.0.0/16", "10.300.0.0/16"]),
    'bloom-dr:failover.appCidrs[1] must be an IPv4 CIDR like 10.0.0.0/16, narrower than /0 (got "10.300.0.0/16")',
  ],
  [
    "vpc without subnets",
    drBase,
    (c) => delete c.failover.subnetIds,
    "bloom-dr:failover.subnetIds is required when failover.vpcId is set (got nothing)",
  ],
  [
    "subnets without vpc",
    drBase,
    (c) => delete c.failover.vpcId,
    "bloom-dr:failover.vpcId is required when failover.subnetIds is set (got nothing)",
  ],
  [
    "a single subnet",
    drBase,
    (c) => Object.assign(c.failover, { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"] }),
    "bloom-dr:failover.subnetIds must list at least 2 subnets in different availability zones (got 1)",
  ],
  [
    "malformed subnet id",
    drBase,
    (c) =>
      Object.assign(c.failover, { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "sn-1"] }),
    'bloom-dr:failover.subnetIds[1] must be a subnet id like subnet-0123456789abcdef0 (got "sn-1")',
  ],
  [
    "a standby in a VPC created here, which the app cannot reach",
    drBase,
    (c) => (c.failover = { mode: "standby" }),
    "bloom-dr:failover.vpcId, failover.subnetIds and failover.appCidrs are required when failover.mode is standby (a standby becomes the app's database on failover): the app must reach the instance, and a VPC created here has no peering or route to it; set the app's VPC, private subnets the app can reach and the app's CIDRs, or use mode off or a drill",
  ],
  [
    "an active instance nobody is admitted to",
    drBase,
    (c) => Object.assign(c.failover, { mode: "active", appCidrs: [] }),
    "bloom-dr:failover.appCidrs is required when failover.mode is active: the app must reach the instance, and a VPC created here has no peering or route to it; set the app's VPC, private subnets the app can reach and the app's CIDRs, or use mode off or a drill",
  ],
  [
    "a replica in a VPC created here, which has no route to Neon or the app",
    drBase,
    (c) => (c.failover = { mode: "replica" }),
    "bloom-dr:failover.vpcId, failover.subnetIds and failover.appCidrs are required when failover.mode is replica (a replica becomes the app's database on failover, and reaches Neon through the VPC's NAT): the app must reach the instance, and a VPC created here has no peering or route to it; set the app's VPC, private subnets the app can reach and the app's CIDRs, or use mode off or a drill",
  ],
  [
    "a replica in a drill, whose destroy would orphan the slot on Neon",
    drBase,
    (c) => Object.assign(c, { drill: { scenario: "failover" }, failover: { ...c.failover, mode: "replica" } }),
    "bloom-dr:failover.mode cannot be replica in a drill (drill scenario \"failover\"): a drill stack is destroyed afterwards, and pulumi destroy cannot drop the subscription's replication slot on the production Neon project, which would keep WAL for it indefinitely; drill replication with the local failover drill's replica variant, or drill this stack's failover from standby",
  ],
  [
    "replicationStopped left set while replicating",
    drBase,
    (c) => Object.assign(c.failover, { mode: "replica", replicationStopped: true }),
    "bloom-dr:failover.replicationStopped must not be true while failover.mode is replica (got true): it confirms a stopped subscription when leaving replica, and left set it would let a later update leave replica without stopping it; remove it",
  ],
  [
    "a lag threshold of zero",
    drBase,
    (c) => Object.assign(c.failover, { mode: "replica", replicaMaxLagSeconds: 0 }),
    "bloom-dr:failover.replicaMaxLagSeconds must be at least 1 (got 0)",
  ],
  [
    "unknown app secret copy",
    drBase,
    (c) => (c.failover.appSecret = "dr"),
    'bloom-dr:failover.appSecret must be one of primary, replica (got "dr")',
  ],
  [
    "unknown drill scenario",
    drBase,
    (c) => (c.drill = { scenario: "chaos" }),
    'bloom-dr:drill.scenario must be one of pitr, restore, failover (got "chaos")',
  ],
  [
    "failover database with a dash",
    drBase,
    (c) => (c.failover.databaseName = "bloom-prod"),
    'bloom-dr:failover.databaseName must be a lowercase Postgres identifier (a-z, 0-9, _; 1-63 characters, not starting with a digit) (got "bloom-prod")',
  ],
  [
    "bad restore schedule",
    drBase,
    (c) => (c.failover.restoreSchedule = "daily"),
    'bloom-dr:failover.restoreSchedule must be an EventBridge Scheduler expression like "cron(0 2 * * ? *)" or "rate(6 hours)" (got "daily")',
  ],
  [
    "app role with a dash",
    drBase,
    (c) => (c.failover.appRole = "bloom-app"),
    'bloom-dr:failover.appRole must be a lowercase Postgres identifier (a-z, 0-9, _; 1-63 characters, not starting with a digit) (got "bloom-app")',
  ],
  [
    "backup age limit of zero",
    drBase,
    (c) => (c.failover.maxBackupAgeHours = 0),
    "bloom-dr:failover.maxBackupAgeHours must be at least 1 (got 0)",
  ],
  [
    "health URL with credentials",
    drBase,
    (c) => (c.failover.app = { healthUrl: "https://admin:pw@app.example.com/api/health" }),
    'bloom-dr:failover.app.healthUrl must be an http:// or https:// URL without credentials, e.g. https://app.example.com/api/health (got "https://admin:pw@app.example.com/api/health")',
  ],
  [
    "health timeout too short",
    drBase,
    (c) => (c.failover.app = { healthTimeoutSeconds: 5 }),
    "bloom-dr:failover.app.healthTimeoutSeconds must be at least 10 (got 5)",
  ],
  [
    "misspelt app key",
    drBase,
    (c) => (c.failover.app = { redeployHookURL: "https://api.vercel.example/deploy/s3cr3t" }),
    "bloom-dr:failover.app.redeployHookURL is not a known setting (allowed here: redeployHookUrl, healthUrl, healthTimeoutSeconds)",
  ],
  [
    "redeploy hook URL of the wrong type (its value is never shown)",
    drBase,
    (c) => (c.failover.app = { redeployHookUrl: ["https://api.vercel.example/deploy/s3cr3t"] }),
    "bloom-dr:failover.app.redeployHookUrl must be a string (got a secret, not shown)",
  ],
  [
    "redeploy hook URL that is not https (its value is never shown)",
    drBase,
    (c) => (c.failover.app = { redeployHookUrl: "http://api.vercel.example/deploy/s3cr3t" }),
    "bloom-dr:failover.app.redeployHookUrl must be an https:// URL (the value is not shown: it is a secret)",
  ],
  [
    "redeploy hook URL in plain config",
    drBase,
    (c) => (c.failover.app = { redeployHookUrl: "https://api.vercel.example/deploy/s3cr3t" }),
    "bloom-dr:failover.app.redeployHookUrl must be a secret (the URL carries the hook's token): remove it from the stack file and run pulumi config set --secret --path 'bloom-dr:failover.app.redeployHookUrl' <url>",
  ],
];

describe("parseStackConfig rejects bad configs with one exact line", () => {
  test.each(badConfigs)("%s", (_label, base, mutate, message) => {
    const config = base();
    mutate(config);
    const stackName = config.role === "dr" || base === drBase ? "dr" : "prod";
    expect(() => parseStackConfig(config, NOW, stackName)).toThrow(message);
    try {
      parseStackConfig(config, NOW, stackName);
    } catch (error) {
      expect((error as Error).message).toBe(message);
      expect((error as Error).message).not.toContain("\n");
    }
  });
});

describe("parseStackConfig accepts good configs and fills secure defaults", () => {
  test("a minimal prod config gets every documented default", () => {
    const config = parseStackConfig({ role: "prod", neon: { projectName: "bloom" } }, NOW, "prod") as ProdStackConfig;
    expect(config).toEqual({
      role: "prod",
      neon: {
        projectName: "bloom",
        regionId: "aws-us-east-2",
        pgVersion: 17,
        historyRetentionHours: 168,
        databaseName: "bloom",
        roleName: "bloom_app",
        primaryBranchName: "production",
        protectPrimaryBranch: true,
        logicalReplication: false,
        plan: "launch",
      },
      pitrBranches: [],
      backup: {
        schedule: "cron(0 2 * * ? *)",
        retentionDays: 35,
        objectLockDays: 14,
        runner: "lambda",
        prefix: "production/",
        stalenessGraceMinutes: 60,
        reserveConcurrency: false,
      },
      alerts: { sev1: [], sev2: [], sev3: [], sev4: [] },
      healthProbe: { schedule: "rate(1 minute)", failuresToAlarm: 3, connectionUsagePercent: 80 },
      maintenance: {
        enabled: false,
        message:
          "Estamos realizando mantenimiento; volvemos pronto. / We are performing maintenance and will be back shortly.",
      },
    });
  });

  test("a minimal dr config gets the failover defaults (off)", () => {
    const config = parseStackConfig({ role: "dr", primaryStack: "prod", failover: {} }, NOW, "dr") as DrStackConfig;
    expect(config).toEqual({
      role: "dr",
      primaryStack: "prod",
      failover: {
        mode: "off",
        instanceClass: "db.t4g.medium",
        allocatedStorageGb: 100,
        engineVersion: "17",
        backupRetentionDays: 7,
        restoreSchedule: "cron(0 6 * * ? *)",
        appCidrs: [],
        databaseName: "bloom",
        reserveConcurrency: false,
        appSecret: "primary",
        appRole: "bloom_app",
        maxBackupAgeHours: 26,
        allowStaleBackup: false,
        replicaMaxLagSeconds: 60,
        replicationStopped: false,
      },
      alerts: { sev1: [], sev2: [], sev3: [], sev4: [] },
    });
  });

  test.each([
    ["the default role", {}, undefined],
    ["a role of its own", { replicationRoleName: "clinic_replication" }, "clinic_replication"],
  ])("logical replication with %s is accepted", (_label, extra, roleName) => {
    const config = prodBase();
    Object.assign(config.neon, { logicalReplication: true, ...extra });
    const parsed = parseStackConfig(config, NOW, "prod") as ProdStackConfig;
    expect(parsed.neon.logicalReplication).toBe(true);
    expect(parsed.neon.replicationRoleName).toBe(roleName);
  });

  test.each([
    ["replica in the app's network", { mode: "replica", replicaMaxLagSeconds: 30 }],
    ["standby after a stopped replica", { mode: "standby", replicationStopped: true }],
    ["off after a stopped replica", { mode: "off", replicationStopped: true }],
  ])("%s is accepted", (_label, failover) => {
    const config = drBase();
    Object.assign(config.failover, failover);
    expect((parseStackConfig(config, NOW, "dr") as DrStackConfig).failover).toMatchObject(failover);
  });

  test("the full example configs parse unchanged", () => {
    const prod = parseStackConfig({ ...prodBase(), drill: { scenario: "pitr" } }, NOW, "prod") as ProdStackConfig;
    expect(prod.pitrBranches).toEqual([{ name: "restore-orders", at: "2026-03-09T08:15:00Z", keepAfterWindow: false }]);
    expect(prod.alerts.sev1).toEqual(["oncall@bloom.example", "https://hooks.pagerduty.example/sev1"]);
    expect(prod.drill).toEqual({ scenario: "pitr" });
    const dr = parseStackConfig(
      {
        ...drBase(),
        failover: {
          mode: "active",
          vpcId: "vpc-0123456789abcdef0",
          subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
          appCidrs: ["10.0.0.0/16"],
        },
      },
      NOW,
      "dr",
    ) as DrStackConfig;
    expect(dr.failover.mode).toBe("active");
    expect(dr.failover.subnetIds).toHaveLength(2);
  });

  test.each([
    ["exactly at the window's start", "2026-03-03T12:00:00Z", false],
    ["one second ago", "2026-03-10T11:59:59Z", false],
    ["long ago but already created", "2025-01-01T00:00:00Z", true],
  ])("a PITR timestamp %s is accepted", (_label, at, keepAfterWindow) => {
    const config = prodBase();
    config.pitrBranches = [{ name: "restore-a", at, keepAfterWindow }];
    expect((parseStackConfig(config, NOW, "prod") as ProdStackConfig).pitrBranches[0].at).toBe(at);
  });

  test.each([
    ["Scale, 30 days, protected", { plan: "scale", historyRetentionHours: 720 }],
    ["Launch, 7 days, protected", { plan: "launch", historyRetentionHours: 168 }],
    ["Free, 6 hours, unprotected", { plan: "free", historyRetentionHours: 6, protectPrimaryBranch: false }],
  ])("a Neon config within its plan is accepted: %s", (_label, neon) => {
    const config = prodBase();
    Object.assign(config.neon, neon, { orgId: "org-cold-wave-12345678" });
    config.pitrBranches = [];
    const parsed = parseStackConfig(config, NOW, "prod") as ProdStackConfig;
    expect(parsed.neon).toMatchObject({ ...neon, orgId: "org-cold-wave-12345678" });
  });

  test.each([
    ["mode off", { mode: "off" }, undefined],
    ["a failover drill", { mode: "active" }, { scenario: "failover" }],
    ["a restore drill in standby", { mode: "standby" }, { scenario: "restore" }],
  ])("%s needs no app network (nothing serves the app)", (_label, failover, drill) => {
    const config = { ...drBase(), failover, ...(drill ? { drill } : {}) };
    expect((parseStackConfig(config, NOW, "dr") as DrStackConfig).failover.vpcId).toBeUndefined();
  });

  test("objectLockDays equal to retentionDays is allowed", () => {
    const config = prodBase();
    config.backup = { retentionDays: 14, objectLockDays: 14 };
    expect((parseStackConfig(config, NOW, "prod") as ProdStackConfig).backup.objectLockDays).toBe(14);
  });
});

test("a redeploy hook URL set as a secret is accepted (the CLI marks the whole failover key secret)", () => {
  const config = drBase();
  config.failover.app = {
    redeployHookUrl: "https://api.vercel.example/deploy/s3cr3t",
    healthUrl: "https://a.example/h",
  };
  const isSecret = (key: string) => key === "bloom-dr:failover";
  expect((parseStackConfig(config, NOW, "dr", { isSecret }) as DrStackConfig).failover.app).toEqual({
    redeployHookUrl: "https://api.vercel.example/deploy/s3cr3t",
    healthUrl: "https://a.example/h",
    healthTimeoutSeconds: 300,
  });
});

test("no message about the redeploy hook URL ever contains it", () => {
  for (const value of ["http://api.vercel.example/deploy/s3cr3t", "https://api.vercel.example/deploy/s3cr3t", ""]) {
    const config = drBase();
    config.failover.app = { redeployHookUrl: value };
    const message = (() => {
      try {
        parseStackConfig(config, NOW, "dr");
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/^bloom-dr:failover\.app\.redeployHookUrl /);
    expect(message).not.toContain("s3cr3t");
  }
});

test("a replica vault in the stack's own region is refused", () => {
  const config = prodBase();
  config.backup = { replicaRegion: "us-east-2" };
  expect(() => parseStackConfig(config, NOW, "prod", { awsRegion: "us-east-2" })).toThrow(
    'bloom-dr:backup.replicaRegion must differ from the stack\'s aws:region (us-east-2): a replica in the same region survives no regional outage (got "us-east-2")',
  );
  expect(
    (parseStackConfig(config, NOW, "prod", { awsRegion: "us-west-2" }) as ProdStackConfig).backup.replicaRegion,
  ).toBe("us-east-2");
});

describe("reading raw config", () => {
  test.each([
    ["prod", "prod"],
    ['{"mode":"off"}', { mode: "off" }],
    ['[{"name":"a"}]', [{ name: "a" }]],
    ["true", true],
    ["35", 35],
    ["{not json", "{not json"],
  ])("decodeConfigValue(%j)", (value, expected) => expect(decodeConfigValue(value)).toEqual(expected));

  test("only the bloom-dr namespace is read, without its prefix", () => {
    expect(
      readRawStackConfig({
        "bloom-dr:role": "dr",
        "bloom-dr:failover": '{"mode":"standby"}',
        "aws:region": "us-west-2",
        "neon:apiKey": "x",
      }),
    ).toEqual({
      role: "dr",
      failover: { mode: "standby" },
    });
  });
});

describe("config notices", () => {
  test("logical replication on the primary: irreversible, and what it costs", () => {
    const config = prodBase();
    config.neon.logicalReplication = true;
    expect(configNotices(parseStackConfig(config, NOW, "prod"))).toEqual([LOGICAL_REPLICATION_NOTICE]);
    expect(LOGICAL_REPLICATION_NOTICE).toBe(
      "bloom-dr:neon.logicalReplication is true: Neon runs every compute of the project with wal_level=logical, which cannot be turned off again (this stack then refuses false: the change would replace the protected project); while a dr stack in failover.mode replica is subscribed, the primary's compute never scales to zero (billed around the clock), and Neon keeps WAL for the subscription's replication slot until the replica has applied it (README: \"Standby or replica?\")",
    );
  });

  test.each([
    ["prod without logical replication", () => parseStackConfig(prodBase(), NOW, "prod")],
    [
      "a dr stack in replica",
      () => parseStackConfig({ ...drBase(), failover: { ...drBase().failover, mode: "replica" } }, NOW, "dr"),
    ],
  ])("%s: none", (_label, parse) => {
    expect(configNotices(parse())).toEqual([]);
  });
});
