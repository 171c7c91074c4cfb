import { CONFIGURATION_ACTIONS, DATA_DESTRUCTION_ACTIONS, vaultBucketPolicy } from "../../components/vaultPolicy";

const BUCKET = "arn:aws:s3:::vault";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";
const DEPLOYER = "arn:aws:iam::123456789012:role/ci/bloom-deployer";

test("denies every non-TLS request on the bucket and its objects", () => {
  const [tls] = vaultBucketPolicy({ bucketArn: BUCKET, deployerArn: DEPLOYER }).Statement;
  expect(tls).toEqual({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [BUCKET, `${BUCKET}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
});

test.each([
  [
    "no break-glass role: nobody destroys, only the deployer reconfigures",
    undefined,
    { Sid: "DenyDestructionToEveryone" },
    { ArnNotEquals: { "aws:PrincipalArn": DEPLOYER } },
  ],
  [
    "a break-glass role: it alone destroys; it and the deployer reconfigure",
    BREAK_GLASS,
    { Sid: "DenyDestructionExceptBreakGlass", Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } } },
    { ArnNotEquals: { "aws:PrincipalArn": [DEPLOYER, BREAK_GLASS] } },
  ],
])("%s", (_label, breakGlassRoleArn, destruction, reconfiguration) => {
  const document = vaultBucketPolicy({ bucketArn: BUCKET, deployerArn: DEPLOYER, breakGlassRoleArn });
  expect(document.Version).toBe("2012-10-17");
  expect(document.Statement.slice(1)).toEqual([
    {
      Effect: "Deny",
      Principal: "*",
      Action: [...DATA_DESTRUCTION_ACTIONS],
      Resource: [BUCKET, `${BUCKET}/*`],
      ...destruction,
    },
    {
      Sid: "DenyReconfigurationExceptDeployer",
      Effect: "Deny",
      Principal: "*",
      Action: [...CONFIGURATION_ACTIONS],
      Resource: BUCKET,
      Condition: reconfiguration,
    },
  ]);
});

test("a deployer that is also the break-glass role is named once", () => {
  const [, , reconfiguration] = vaultBucketPolicy({
    bucketArn: BUCKET,
    deployerArn: BREAK_GLASS,
    breakGlassRoleArn: BREAK_GLASS,
  }).Statement;
  expect(reconfiguration.Condition).toEqual({ ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } });
});

test.each([
  ["s3:DeleteObject", "destruction"],
  ["s3:DeleteObjectVersion", "destruction"],
  ["s3:BypassGovernanceRetention", "destruction"],
  ["s3:PutObjectRetention", "destruction"],
  ["s3:PutLifecycleConfiguration", "configuration"],
  ["s3:PutBucketObjectLockConfiguration", "configuration"],
  ["s3:PutReplicationConfiguration", "configuration"],
  ["s3:PutBucketPolicy", "configuration"],
  ["s3:DeleteBucketPolicy", "configuration"],
])("%s is protected as %s", (action, kind) => {
  const list: readonly string[] = kind === "destruction" ? DATA_DESTRUCTION_ACTIONS : CONFIGURATION_ACTIONS;
  expect(list).toContain(action);
});
