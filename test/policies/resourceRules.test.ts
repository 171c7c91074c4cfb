import {
  alarmsNotifySomeone,
  iamNoBroadManagedPolicies,
  iamNoWildcardOnDataServices,
  neonHistoryRetentionMinimum,
  neonPrimaryBranchProtected,
  neonProjectProtected,
  noPasswordInFunctionEnvironment,
  rdsBackupRetentionMinimum,
  rdsDeletionProtectionWhenActive,
  rdsFinalSnapshotRequired,
  rdsNotPubliclyAccessible,
  rdsStorageEncrypted,
  scheduleHasDeadLetterQueue,
  scheduleHasRetryPolicy,
} from "../../policies/rules";
import { describeResourceRules, RuleTable } from "./support/ruleTables";
import { compliantStack, leastPrivilegePolicy, only } from "./support/compliantStack";
import { DELETE, record, resourceViolations, withChange } from "./support/harness";

const RDS = "aws:rds/instance:Instance";
const LAMBDA = "aws:lambda/function:Function";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

const withStatement = (statement: object) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [...leastPrivilegePolicy.Statement, statement] });

const tables: RuleTable[] = [
  {
    rule: rdsNotPubliclyAccessible,
    type: RDS,
    failing: [["public", "publiclyAccessible", true, "publiclyAccessible is true"]],
  },
  {
    rule: rdsStorageEncrypted,
    type: RDS,
    failing: [
      ["unencrypted", "storageEncrypted", false, "storageEncrypted is false"],
      ["encryption unset", "storageEncrypted", DELETE, "storageEncrypted is undefined"],
    ],
  },
  {
    rule: rdsBackupRetentionMinimum,
    type: RDS,
    failing: [
      ["1 day", "backupRetentionPeriod", 1, "backupRetentionPeriod is 1; it must be at least 7 days"],
      ["unset", "backupRetentionPeriod", DELETE, "backupRetentionPeriod is undefined"],
    ],
  },
  {
    rule: rdsFinalSnapshotRequired,
    type: RDS,
    failing: [
      ["skipped", "skipFinalSnapshot", true, "skipFinalSnapshot is true"],
      ["no identifier", "finalSnapshotIdentifier", DELETE, "finalSnapshotIdentifier is not set"],
    ],
  },
  {
    rule: rdsDeletionProtectionWhenActive,
    type: RDS,
    failing: [
      ["active without deletion protection", "deletionProtection", false, "deletionProtection is false"],
      ["active without protect", "opts.protect", false, "the resource is not protected"],
    ],
  },
  {
    rule: scheduleHasDeadLetterQueue,
    type: "aws:scheduler/schedule:Schedule",
    failing: [
      ["no dead-letter config", "target.deadLetterConfig", DELETE, "deadLetterConfig.arn is not set"],
      ["empty dead-letter arn", "target.deadLetterConfig.arn", "", "deadLetterConfig.arn is not set"],
    ],
  },
  {
    rule: scheduleHasRetryPolicy,
    type: "aws:scheduler/schedule:Schedule",
    failing: [
      ["no retry policy", "target.retryPolicy", DELETE, "maximumRetryAttempts is undefined"],
      ["zero retries", "target.retryPolicy.maximumRetryAttempts", 0, "maximumRetryAttempts is 0"],
    ],
  },
  {
    rule: alarmsNotifySomeone,
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: "dump-errors",
    failing: [
      ["no actions", "alarmActions", DELETE, "alarmActions is empty"],
      ["empty actions", "alarmActions", [], "alarmActions is empty"],
    ],
  },
  {
    rule: noPasswordInFunctionEnvironment,
    type: LAMBDA,
    failing: [
      [
        "postgres URL with password",
        "environment.variables.DATABASE_URL",
        "postgres://app:hunter2@db.example.com/app",
        "variable DATABASE_URL contains",
      ],
      [
        "postgresql URL with password",
        "environment.variables.SOURCE",
        "postgresql://neondb_owner:npg_x1@ep-1.aws.neon.tech/neondb?sslmode=require",
        "variable SOURCE contains",
      ],
      ["upper-case scheme", "environment.variables.URL", "POSTGRES://u:p@h/d", "variable URL contains"],
    ],
  },
  {
    rule: iamNoWildcardOnDataServices,
    type: ROLE_POLICY,
    failing: [
      [
        "Action *",
        "policy",
        withStatement({ Effect: "Allow", Action: "*", Resource: "*" }),
        "grants wildcard actions *",
      ],
      [
        "s3:*",
        "policy",
        withStatement({ Effect: "Allow", Action: ["s3:*"], Resource: "*" }),
        "grants wildcard actions s3:*",
      ],
      [
        "s3:Get*",
        "policy",
        withStatement({ Effect: "Allow", Action: ["s3:Get*"], Resource: "*" }),
        "grants wildcard actions s3:Get*",
      ],
      [
        "kms:*",
        "policy",
        withStatement({ Effect: "Allow", Action: "kms:*", Resource: "*" }),
        "grants wildcard actions kms:*",
      ],
      [
        "secretsmanager:*",
        "policy",
        withStatement({ Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:*", Resource: "*" }),
        "(Sid Secrets) grants wildcard actions secretsmanager:*",
      ],
      ["NotAction", "policy", withStatement({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }), "NotAction iam:*"],
      [
        "a policy object, not text",
        "policy",
        { Statement: { Effect: "Allow", Action: "S3:*", Resource: "*" } },
        "grants wildcard actions S3:*",
      ],
      ["not JSON", "policy", "{", "not valid JSON"],
    ],
  },
  {
    rule: iamNoBroadManagedPolicies,
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    failing: [
      ["AmazonS3FullAccess", "policyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess", "AmazonS3FullAccess"],
      ["AdministratorAccess", "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess", "AdministratorAccess"],
    ],
  },
  {
    rule: neonHistoryRetentionMinimum,
    type: "neon:index/project:Project",
    failing: [
      ["1 hour", "historyRetentionSeconds", 3600, "historyRetentionSeconds is 3600 (1 h); the minimum is 168 h"],
      ["unset", "historyRetentionSeconds", DELETE, "historyRetentionSeconds is not set"],
    ],
  },
  {
    rule: neonProjectProtected,
    type: "neon:index/project:Project",
    failing: [["not protected", "opts.protect", false, "the project is not protected"]],
  },
  {
    rule: neonPrimaryBranchProtected,
    type: "neon:index/branch:Branch",
    failing: [
      ["protected no", "protected", "no", 'branch "production" is not a Neon protected branch (protected is "no")'],
      ["protected unset", "protected", DELETE, "(protected is undefined)"],
    ],
  },
];

describeResourceRules(tables);

describe("rule details", () => {
  const rds = only(compliantStack(), RDS);

  test("a drill's active instance needs neither (it never serves the app, and its stack is destroyed)", async () => {
    const props = withChange(withChange(rds.props, "deletionProtection", false), "tags", {
      "bloom-dr:failover-mode": "active",
      "bloom-dr:drill": "failover",
    });
    expect(
      await resourceViolations(rdsDeletionProtectionWhenActive, { ...rds, props, opts: { protect: false } }),
    ).toEqual([]);
  });

  test.each(["standby", undefined])("deletion protection is not required when failover-mode is %s", async (mode) => {
    const props = withChange(
      withChange(rds.props, "deletionProtection", false),
      "tags",
      mode ? { "bloom-dr:failover-mode": mode } : {},
    );
    expect(
      await resourceViolations(rdsDeletionProtectionWhenActive, { ...rds, props, opts: { protect: false } }),
    ).toEqual([]);
  });

  test.each([
    ["postgres://app@db.example.com/app", "no password"],
    ["host=db user=app password=x", "not a URL"],
    ["arn:aws:secretsmanager:us-east-1:1:secret:src", "a secret ARN"],
    ["postgres://db.example.com:5432/app", "a port, no user info"],
  ])("the environment may hold %s (%s)", async (value) => {
    const fn = only(compliantStack(), LAMBDA);
    expect(
      await resourceViolations(noPasswordInFunctionEnvironment, {
        ...fn,
        props: withChange(fn.props, "environment.variables.X", value),
      }),
    ).toEqual([]);
  });

  test("messages never contain the password", async () => {
    const fn = only(compliantStack(), LAMBDA);
    const violations = await resourceViolations(noPasswordInFunctionEnvironment, {
      ...fn,
      props: withChange(fn.props, "environment.variables.DATABASE_URL", "postgres://app:hunter2@db/app"),
    });
    expect(JSON.stringify(violations)).not.toContain("hunter2");
  });

  test("ECS container environments are checked too", async () => {
    const containers = JSON.stringify([
      {
        name: "dump",
        image: "x",
        environment: [
          { name: "SOURCE_URL", value: "postgresql://u:secret@h/db" },
          { name: "SAFE", value: "1" },
        ],
      },
    ]);
    const task = record("aws:ecs/taskDefinition:TaskDefinition", "dump-task", {
      family: "dump",
      containerDefinitions: containers,
    });
    expect(await resourceViolations(noPasswordInFunctionEnvironment, task)).toEqual([
      "container dump environment variable SOURCE_URL contains a connection string with a password",
    ]);
  });

  test("Deny statements with wildcards are fine (the TLS-only pattern)", async () => {
    const policy = withStatement({
      Effect: "Deny",
      Action: "s3:*",
      Resource: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const rolePolicy = record(ROLE_POLICY, "p", { policy });
    expect(await resourceViolations(iamNoWildcardOnDataServices, rolePolicy)).toEqual([]);
  });

  test("wildcards on other services (logs:*) are out of scope", async () => {
    const rolePolicy = record(ROLE_POLICY, "p", {
      policy: withStatement({ Effect: "Allow", Action: "logs:*", Resource: "*" }),
    });
    expect(await resourceViolations(iamNoWildcardOnDataServices, rolePolicy)).toEqual([]);
  });

  test("role inline policies and managed policy ARNs are checked", async () => {
    const role = record("aws:iam/role:Role", "r", {
      inlinePolicies: [{ name: "inline", policy: withStatement({ Effect: "Allow", Action: "kms:*", Resource: "*" }) }],
      managedPolicyArns: ["arn:aws:iam::aws:policy/SecretsManagerReadWrite"],
    });
    expect(await resourceViolations(iamNoWildcardOnDataServices, role)).toEqual([
      expect.stringContaining('inline policy "inline" statement 5 grants wildcard actions kms:*'),
    ]);
    expect(await resourceViolations(iamNoBroadManagedPolicies, role)).toEqual([
      expect.stringContaining("SecretsManagerReadWrite"),
    ]);
    expect(
      await resourceViolations(iamNoBroadManagedPolicies, role, {
        allowedManagedPolicies: ["SecretsManagerReadWrite"],
      }),
    ).toEqual([]);
  });

  test.each([
    [24, 3600 * 24, []],
    [
      169,
      168 * 3600,
      ["historyRetentionSeconds is 604800 (168 h); the minimum is 169 h (policy config minHistoryRetentionHours)"],
    ],
  ])("minHistoryRetentionHours %i", async (minHistoryRetentionHours, seconds, expected) => {
    const project = only(compliantStack(), "neon:index/project:Project");
    const props = withChange(project.props, "historyRetentionSeconds", seconds);
    expect(
      await resourceViolations(neonHistoryRetentionMinimum, { ...project, props }, { minHistoryRetentionHours }),
    ).toEqual(expected);
  });

  test("PITR branches (with a parentTimestamp) need not be protected", async () => {
    const branch = only(compliantStack(), "neon:index/branch:Branch");
    const pitr = { ...branch, props: { name: "restore-0309", parentTimestamp: 1773044000, protected: "no" } };
    expect(await resourceViolations(neonPrimaryBranchProtected, pitr)).toEqual([]);
  });

  test("backup retention minimum is configurable", async () => {
    expect(await resourceViolations(rdsBackupRetentionMinimum, rds, { minBackupRetentionDays: 14 })).toEqual([
      "backupRetentionPeriod is 7; it must be at least 14 days",
    ]);
  });
});
