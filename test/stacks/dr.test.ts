import type { loadStackConfig as LoadStackConfig, DrStackConfig } from "../../stacks/config";
import type { buildDr as BuildDr } from "../../stacks/dr";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";
import { shippedConfig, withChanges } from "./shippedConfig";

const NOW = new Date("2026-03-10T12:00:00Z");
const DR = shippedConfig("dr") as Record<string, any>;
const PRIMARY_STACK = DR["bloom-dr:primaryStack"] as string;
const APP_SECRET_ARN = "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-database-url-AbCdEf";

const prodOutputs = {
  vaultBucketName: "vault-primary",
  vaultBucketArn: "arn:aws:s3:::vault-primary",
  vaultKeyArn: "arn:aws:kms:us-east-2:123456789012:key/primary",
  vaultReplicaBucketName: "vault-replica",
  vaultReplicaBucketArn: "arn:aws:s3:::vault-replica",
  vaultReplicaKeyArn: "arn:aws:kms:us-west-2:123456789012:key/replica",
  backupPrefix: "production/",
  appDatabaseUrlSecretArn: APP_SECRET_ARN,
};

let mocks: PulumiMockHarness;
let loadStackConfig: typeof LoadStackConfig;
let buildDr: typeof BuildDr;

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    stack: "dr",
    config: DR,
    stackReferences: {
      [PRIMARY_STACK]: prodOutputs,
      "acme/bloom-dr/prod-no-replica": { ...prodOutputs, vaultReplicaBucketName: undefined, vaultReplicaBucketArn: undefined, vaultReplicaKeyArn: undefined },
    },
  });
  ({ loadStackConfig } = await import("../../stacks/config"));
  ({ buildDr } = await import("../../stacks/dr"));
});
beforeEach(() => mocks.reset());

async function build(config: Record<string, unknown> = DR) {
  mocks.setConfig(config);
  const outputs = buildDr(loadStackConfig(NOW) as DrStackConfig, "dr");
  await mocks.settle(outputs.sev1TopicArn, outputs.restoreSourceBucketName, outputs.appSecretSwitched, outputs.failoverAddress);
  return outputs;
}

test("the shipped dr config composes alerting and the failover database, reading prod through a stack reference", async () => {
  const outputs = await build();
  expect(mocks.one("pulumi:pulumi:StackReference").inputs.name).toBe(PRIMARY_STACK);
  expect(mocks.one("bloom-dr:alerting:Alerting").name).toBe("alerts");
  expect(mocks.one("bloom-dr:dr:FailoverDatabase").name).toBe("failover");
  expect(mocks.ofType("aws:sns/topic:Topic")).toHaveLength(4);
  // sev1: 2, sev2: 1 in Pulumi.dr.yaml.
  expect(mocks.ofType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(3);
  expect(mocks.ofType("neon:index/project:Project")).toHaveLength(0);
  expect(await valueOf(outputs.failoverMode)).toBe("standby");
  expect(await valueOf(outputs.primaryStack)).toBe(PRIMARY_STACK);
});

test("restores come from the replica vault when prod replicates it", async () => {
  const outputs = await build();
  expect(await valueOf(outputs.restoresFromReplica)).toBe(true);
  expect(await valueOf(outputs.restoreSourceBucketName)).toBe("vault-replica");
});

test("without a replica the primary vault is the restore source", async () => {
  const outputs = await build(withChanges(DR, { "bloom-dr:primaryStack": "acme/bloom-dr/prod-no-replica" }));
  expect(await valueOf(outputs.restoresFromReplica)).toBe(false);
  expect(await valueOf(outputs.restoreSourceBucketName)).toBe("vault-primary");
});

test("a drill tags the dr stack's resources", async () => {
  await build(withChanges(DR, { "bloom-dr:drill": { scenario: "failover" } }));
  for (const topic of mocks.ofType("aws:sns/topic:Topic")) expect(topic.inputs.tags).toMatchObject({ "bloom-dr:role": "dr", "bloom-dr:drill": "failover" });
});

test("the dr config refuses prod-only keys", () => {
  mocks.setConfig(withChanges(DR, { "bloom-dr:pitrBranches": [] }));
  expect(() => loadStackConfig(NOW)).toThrow('bloom-dr:pitrBranches is only for prod stacks; remove it from the dr stack "dr" (it reads the prod stack\'s outputs)');
});
