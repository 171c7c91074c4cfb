import { maskSecrets, PlannedResource, SECRET_MASK, unwrapSecrets } from "../../scripts/plan/recorder";
import { keyInputs, renderJson, renderText } from "../../scripts/plan/render";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

function planned(
  type: string,
  name: string,
  inputs: Record<string, any>,
  extra: Partial<PlannedResource> = {},
): PlannedResource {
  return {
    type,
    name,
    urn: `urn:pulumi:prod::bloom-dr::${type}::${name}`,
    custom: true,
    read: false,
    inputs,
    outputs: inputs,
    dependencyUrns: [],
    propertyDependencyUrns: {},
    protect: false,
    retainOnDelete: false,
    ...extra,
  };
}

describe("secrets", () => {
  const value = { a: secret("postgres://u:hunter2@h/d"), b: [1, secret({ c: "x" })], d: "plain" };
  test("maskSecrets replaces every secret, nested or not", () => {
    expect(maskSecrets(value)).toEqual({ a: SECRET_MASK, b: [1, SECRET_MASK], d: "plain" });
  });
  test("unwrapSecrets gives the plain values the policy engine sees", () => {
    expect(unwrapSecrets(value)).toEqual({ a: "postgres://u:hunter2@h/d", b: [1, { c: "x" }], d: "plain" });
  });
});

describe("keyInputs", () => {
  test.each([
    [
      planned("aws:kms/key:Key", "k", { enableKeyRotation: true, deletionWindowInDays: 30, description: "x" }),
      ["enableKeyRotation=true", "deletionWindowInDays=30"],
    ],
    [
      planned("aws:s3/bucketVersioning:BucketVersioning", "v", {
        bucket: "b",
        versioningConfiguration: { status: "Enabled" },
      }),
      ["status=Enabled"],
    ],
    [
      planned("aws:secretsmanager/secretVersion:SecretVersion", "s", {
        secretId: "x",
        secretString: secret("postgres://u:p@h/d"),
      }),
      ["secretString=[secret]"],
    ],
    [
      planned("aws:sqs/queue:Queue", "q", { name: "q", tags: { a: "b" }, redrivePolicy: { x: 1 }, delaySeconds: 0 }),
      ["name=q", "delaySeconds=0"],
    ],
    [
      planned("aws:scheduler/schedule:Schedule", "s", {
        scheduleExpression: "rate(1 hour)",
        target: { arn: "fn", deadLetterConfig: { arn: "q" } },
      }),
      ["scheduleExpression=rate(1 hour)", "target=fn", "deadLetterQueue=q"],
    ],
    [planned("aws:sqs/queue:Queue", "q", { policy: "x".repeat(100) }), [`policy=${"x".repeat(71)}…`]],
  ])("%#", (resource, expected) => {
    expect(keyInputs(resource)).toEqual(expected);
  });
});

describe("renderText / renderJson", () => {
  const parent = planned("bloom-dr:backup:BackupVault", "vault", {}, { custom: false });
  const bucket = planned(
    "aws:s3/bucket:Bucket",
    "vault-bucket",
    { bucket: "b", objectLockEnabled: true },
    { parentUrn: parent.urn, protect: true, retainOnDelete: true },
  );
  const secretVersion = planned("aws:secretsmanager/secretVersion:SecretVersion", "url", {
    secretString: secret("postgres://u:hunter2@h/d"),
  });
  const report = {
    stack: "prod",
    configSource: "Pulumi.prod.yaml",
    resources: [parent, secretVersion, bucket],
    outputs: { vaultBucketName: "b", directConnectionUri: SECRET_MASK, replica: undefined },
    violations: [
      {
        rule: "rds-not-publicly-accessible",
        enforcementLevel: "mandatory" as const,
        message: "publiclyAccessible is true; it must be false",
        urn: "u",
        resourceName: "db",
        resourceType: "aws:rds/instance:Instance",
      },
      { rule: "sev1-topic-has-subscription", enforcementLevel: "mandatory" as const, message: "no SEV-1 topic" },
      {
        rule: "schedule-has-retry-policy",
        enforcementLevel: "advisory" as const,
        message: "retry",
        urn: "s",
        resourceName: "sched",
        resourceType: "aws:scheduler/schedule:Schedule",
      },
    ],
    ruleCount: 23,
  };

  test("prints the tree (children under parents), outputs and violations naming rule and resource; never a secret", () => {
    const text = renderText(report);
    expect(text.split("\n")).toEqual([
      "bloom-dr offline plan · stack prod · config Pulumi.prod.yaml",
      "3 resources (2 provider resources, 1 components)",
      "",
      "+ bloom-dr:backup:BackupVault vault",
      "+   aws:s3/bucket:Bucket vault-bucket [protected] [retained]  bucket=b objectLockEnabled=true",
      "+ aws:secretsmanager/secretVersion:SecretVersion url  secretString=[secret]",
      "",
      "Outputs:",
      "  vaultBucketName: b",
      "  directConnectionUri: [secret]",
      "  replica: (none)",
      "",
      "Policies: 23 rules of bloom-dr-recovery-guarantees evaluated over 3 resources",
      "  MANDATORY rds-not-publicly-accessible: aws:rds/instance:Instance db: publiclyAccessible is true; it must be false",
      "  MANDATORY sev1-topic-has-subscription: (stack): no SEV-1 topic",
      "  advisory  schedule-has-retry-policy: aws:scheduler/schedule:Schedule sched: retry",
      "  2 mandatory, 1 advisory violation(s)",
    ]);
    expect(text).not.toContain("hunter2");
  });

  test("JSON has every input masked and the mandatory count", () => {
    const json = renderJson(report);
    expect(JSON.stringify(json)).not.toContain("hunter2");
    expect(json.mandatoryViolations).toBe(2);
    expect((json.resources as Array<{ name: string; inputs: unknown; parent?: string }>)[2]).toEqual({
      type: "aws:s3/bucket:Bucket",
      name: "vault-bucket",
      urn: bucket.urn,
      custom: true,
      parent: parent.urn,
      protect: true,
      retainOnDelete: true,
      inputs: { bucket: "b", objectLockEnabled: true },
    });
    expect(json.warnings).toEqual([]);
  });

  test("the program's warnings (config notices) are listed before the outputs, and in the JSON", () => {
    const warned = { ...report, warnings: ["bloom-dr:neon.logicalReplication is true: irreversible"] };
    const lines = renderText(warned).split("\n");
    const at = lines.indexOf("Warnings:");
    expect(lines.slice(at - 1, at + 4)).toEqual([
      "",
      "Warnings:",
      "  bloom-dr:neon.logicalReplication is true: irreversible",
      "",
      "Outputs:",
    ]);
    expect(renderJson(warned).warnings).toEqual(["bloom-dr:neon.logicalReplication is true: irreversible"]);
  });
});
