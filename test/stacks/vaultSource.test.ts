import { vaultSource } from "../../stacks/vaultSource";
import { stackTags } from "../../stacks/stackTags";

const primary = {
  vaultBucketName: "v",
  vaultBucketArn: "arn:aws:s3:::v",
  vaultKeyArn: "arn:aws:kms:us-east-2:123456789012:key/1",
};
const replica = {
  vaultReplicaBucketName: "r",
  vaultReplicaBucketArn: "arn:aws:s3:::r",
  vaultReplicaKeyArn: "arn:aws:kms:us-west-2:123456789012:key/2",
};

test.each([
  [
    "primary only",
    primary,
    { bucketName: "v", bucketArn: "arn:aws:s3:::v", keyArn: primary.vaultKeyArn, replica: false },
  ],
  [
    "primary and replica",
    { ...primary, ...replica },
    { bucketName: "r", bucketArn: "arn:aws:s3:::r", keyArn: replica.vaultReplicaKeyArn, replica: true },
  ],
  [
    "replica without its key falls back to the primary",
    { ...primary, vaultReplicaBucketName: "r", vaultReplicaBucketArn: "arn:aws:s3:::r" },
    { bucketName: "v", bucketArn: "arn:aws:s3:::v", keyArn: primary.vaultKeyArn, replica: false },
  ],
])("vaultSource: %s", (_label, outputs, expected) => {
  expect(vaultSource(outputs, "acme/bloom-dr/prod")).toEqual(expected);
});

test("vaultSource names the stack to deploy first when prod has no vault outputs", () => {
  expect(() => vaultSource({}, "acme/bloom-dr/prod")).toThrow(
    "stack acme/bloom-dr/prod exports no vaultBucketName/vaultBucketArn/vaultKeyArn; run `pulumi up -s acme/bloom-dr/prod` first or fix bloom-dr:primaryStack",
  );
});

test.each([
  ["prod", "prod", undefined, { "bloom-dr:stack": "prod", "bloom-dr:role": "prod" }],
  [
    "dr",
    "dr",
    { scenario: "failover" as const },
    { "bloom-dr:stack": "dr", "bloom-dr:role": "dr", "bloom-dr:drill": "failover" },
  ],
])("stackTags(%s)", (stack, role, drill, expected) => {
  expect(stackTags(stack, role as "prod" | "dr", drill)).toEqual(expected);
});
