import * as pulumi from "@pulumi/pulumi";
import {
  PulumiMockHarness,
  setupPulumiMocks,
  unwrapSecrets,
  valueOf,
  isSecretOutput,
  MOCK_ACCOUNT_ID,
} from "./pulumiMocks";

let mocks: PulumiMockHarness;
let aws: typeof import("@pulumi/aws");

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    config: { role: "prod", backup: { retentionDays: 35 }, "aws:region": "us-east-1" },
    stackReferences: { "acme/bloom-dr/prod": { vaultBucketName: "vault-bucket" } },
  });
  aws = await import("@pulumi/aws");
});
beforeEach(() => mocks.reset());

test("config keys carry the project name and objects are JSON", () => {
  const config = new pulumi.Config("bloom-dr");
  expect(config.require("role")).toBe("prod");
  expect(config.requireObject<{ retentionDays: number }>("backup")).toEqual({ retentionDays: 35 });
  expect(new pulumi.Config("aws").require("region")).toBe("us-east-1");
});

test("records resources with secret inputs unwrapped and lists the secret input names", async () => {
  const secret = new aws.secretsmanager.SecretVersion("app-url", {
    secretId: "s",
    secretString: pulumi.secret("postgres://u:p@h/db"),
  });
  await mocks.settle(secret.id);
  const recorded = mocks.one("aws:secretsmanager/secretVersion:SecretVersion", "app-url");
  expect(recorded.inputs.secretString).toBe("postgres://u:p@h/db");
  expect(recorded.secretInputs).toEqual(["secretString"]);
  expect(recorded.custom).toBe(true);
});

test("a bucket's id is its name and components are recorded with custom false", async () => {
  class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
      super("bloom-dr:test:Parent", name, {}, {});
      new aws.s3.Bucket(`${name}-bucket`, { bucket: "named-bucket" }, { parent: this });
      this.registerOutputs({});
    }
  }
  const parent = new Parent("p");
  await mocks.settle(parent.urn);
  expect(mocks.one("bloom-dr:test:Parent").custom).toBe(false);
  expect(mocks.one("aws:s3/bucket:Bucket").id).toBe("named-bucket");
  expect(mocks.urnOf("p-bucket")).toContain("bloom-dr:test:Parent$aws:s3/bucket:Bucket::p-bucket");
});

test("records the resource options the SDK sent (protect, ignoreChanges, parent, dependencies)", async () => {
  class Holder extends pulumi.ComponentResource {
    constructor(name: string) {
      super("bloom-dr:test:Holder", name, {}, {});
      const kept = new aws.s3.Bucket(
        `${name}-kept`,
        {},
        { parent: this, protect: true, retainOnDelete: true, ignoreChanges: ["tags"] },
      );
      const plain = new aws.s3.Bucket(`${name}-plain`, {}, { parent: this });
      // one dependency through an input, one through dependsOn
      new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: kept.id, versioningConfiguration: { status: "Enabled" } },
        { parent: this, dependsOn: [plain] },
      );
      this.registerOutputs({});
    }
  }
  const holder = new Holder("h");
  await mocks.settle(holder.urn);
  expect(mocks.named("h-kept").options).toEqual({
    protect: true,
    retainOnDelete: true,
    deleteBeforeReplace: false,
    ignoreChanges: ["tags"],
    parent: mocks.urnOf("h"),
    dependencies: [],
  });
  expect(mocks.named("h-plain").options).toMatchObject({ protect: false, retainOnDelete: false, ignoreChanges: [] });
  expect([...mocks.named("h-versioning").options.dependencies].sort()).toEqual(
    [mocks.urnOf("h-kept"), mocks.urnOf("h-plain")].sort(),
  );
});

test("answers the standard AWS invokes and throws on unmocked ones", async () => {
  const identity = await aws.getCallerIdentity({});
  expect(identity.accountId).toBe(MOCK_ACCOUNT_ID);
  expect((await aws.getRegion({})).name).toBe("us-east-1");
  expect((await aws.getPartition({})).partition).toBe("aws");
  expect((await aws.ecr.getAuthorizationToken({})).userName).toBe("AWS");
  // The account has opted in to a Local Zone: it comes first unless filtered out.
  expect((await aws.getAvailabilityZones({ state: "available" })).names).toEqual([
    "us-east-1-bos-1a",
    "us-east-1a",
    "us-east-1b",
    "us-east-1c",
  ]);
  const regularOnly = [{ name: "opt-in-status", values: ["opt-in-not-required"] }];
  expect((await aws.getAvailabilityZones({ state: "available", filters: regularOnly })).names).toEqual([
    "us-east-1a",
    "us-east-1b",
    "us-east-1c",
  ]);
  await expect(aws.ec2.getAmi({ owners: ["amazon"] })).rejects.toBeDefined();
  expect(mocks.unansweredInvokes).toEqual(["aws:ec2/getAmi:getAmi"]);
  expect(mocks.invokes.map((invoke) => invoke.token)).toContain("aws:index/getRegion:getRegion");
});

test("stack references return the configured outputs", async () => {
  const ref = new pulumi.StackReference("acme/bloom-dr/prod");
  expect(await valueOf(ref.getOutput("vaultBucketName"))).toBe("vault-bucket");
});

test("unwrapSecrets and isSecretOutput", async () => {
  expect(
    unwrapSecrets({ a: [{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" }] }),
  ).toEqual({ a: ["x"] });
  expect(await isSecretOutput(pulumi.secret("x"))).toBe(true);
  expect(await isSecretOutput(pulumi.output("x"))).toBe(false);
});
