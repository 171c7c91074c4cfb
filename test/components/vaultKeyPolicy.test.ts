import {
  KEY_DESTRUCTION_ACTIONS,
  KEY_POLICY_ACTIONS,
  principalParts,
  vaultKeyPolicy,
} from "../../components/vaultKeyPolicy";

const ACCOUNT = "123456789012";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";
const DEPLOYER = "arn:aws:iam::123456789012:role/ci/bloom-deployer";

test.each([
  [
    "without a break-glass role nobody may delete or disable the key; only the deployer may rewrite the policy",
    undefined,
    { Sid: "DenyKeyDestructionToEveryone" },
    DEPLOYER,
  ],
  [
    "with a break-glass role it alone may delete or disable; it and the deployer may rewrite the policy",
    BREAK_GLASS,
    { Sid: "DenyKeyDestructionExceptBreakGlass", Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } } },
    [DEPLOYER, BREAK_GLASS],
  ],
])("%s", (_label, breakGlassRoleArn, destruction, editors) => {
  expect(vaultKeyPolicy({ accountId: ACCOUNT, partition: "aws", deployerArn: DEPLOYER, breakGlassRoleArn })).toEqual({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
      { Effect: "Deny", Principal: "*", Action: [...KEY_DESTRUCTION_ACTIONS], Resource: "*", ...destruction },
      {
        Sid: "DenyKeyPolicyChangesExceptDeployer",
        Effect: "Deny",
        Principal: "*",
        Action: [...KEY_POLICY_ACTIONS],
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": editors } },
      },
    ],
  });
});

test("the actions that make backups unreadable are the ones denied", () => {
  expect([...KEY_DESTRUCTION_ACTIONS, ...KEY_POLICY_ACTIONS]).toEqual([
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "kms:PutKeyPolicy",
  ]);
});

test("the account root statement follows the partition", () => {
  const [root] = vaultKeyPolicy({ accountId: ACCOUNT, partition: "aws-us-gov", deployerArn: DEPLOYER }).Statement;
  expect(root.Principal).toEqual({ AWS: "arn:aws-us-gov:iam::123456789012:root" });
});

describe("principalParts", () => {
  test.each([
    ["arn:aws:iam::123456789012:role/ci/bloom-deployer", { partition: "aws", accountId: ACCOUNT }],
    ["arn:aws:iam::123456789012:user/alice", { partition: "aws", accountId: ACCOUNT }],
    ["arn:aws:iam::123456789012:root", { partition: "aws", accountId: ACCOUNT }],
    ["arn:aws-us-gov:iam::123456789012:role/x", { partition: "aws-us-gov", accountId: ACCOUNT }],
  ])("%s", (arn, expected) => {
    expect(principalParts(arn, "the deployer")).toEqual(expected);
  });

  test.each(["arn:aws:sts::123456789012:assumed-role/deployer/session", "deployer", ""])("refuses %j", (arn) => {
    expect(() => principalParts(arn, "the deployer")).toThrow(
      `the deployer "${arn}" is not an IAM role, user or root ARN (arn:aws:iam::<account>:role/<name>); an STS session ARN cannot be named in a policy`,
    );
  });
});
