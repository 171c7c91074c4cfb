import { PROTECTED_VAULT_ACTIONS, vaultBucketPolicy } from "../../components/vaultPolicy";

const BUCKET = "arn:aws:s3:::vault";
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";

test("denies every non-TLS request on the bucket and its objects", () => {
  const [tls] = vaultBucketPolicy({ bucketArn: BUCKET }).Statement;
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
  [undefined, "DenyDestructionToEveryone", undefined],
  [BREAK_GLASS, "DenyDestructionExceptBreakGlass", { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } }],
])("break-glass role %s", (breakGlassRoleArn, sid, condition) => {
  const document = vaultBucketPolicy({ bucketArn: BUCKET, breakGlassRoleArn });
  expect(document.Version).toBe("2012-10-17");
  expect(document.Statement).toHaveLength(2);
  const deny = document.Statement[1];
  expect(deny.Sid).toBe(sid);
  expect(deny.Effect).toBe("Deny");
  expect(deny.Principal).toBe("*");
  expect(deny.Resource).toEqual([BUCKET, `${BUCKET}/*`]);
  expect(deny.Condition).toEqual(condition);
  expect(deny.Action).toEqual([...PROTECTED_VAULT_ACTIONS]);
});

test.each([
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutLifecycleConfiguration",
  "s3:BypassGovernanceRetention",
  "s3:PutBucketObjectLockConfiguration",
])("%s is a protected action", (action) => {
  expect(PROTECTED_VAULT_ACTIONS).toContain(action);
});
