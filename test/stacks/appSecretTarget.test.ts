import { appSecretTarget } from "../../stacks/appSecretTarget";

const PRIMARY = "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-AbC";
const REPLICA = "arn:aws:secretsmanager:us-west-2:123456789012:secret:app-AbC";
const BOTH = { appDatabaseUrlSecretArn: PRIMARY, appDatabaseUrlSecretReplicaArn: REPLICA };

test.each([
  ["primary, with a replica", BOTH, "primary", PRIMARY],
  ["replica, with a replica", BOTH, "replica", REPLICA],
  ["primary, without a replica", { appDatabaseUrlSecretArn: PRIMARY }, "primary", PRIMARY],
] as const)("%s", (_label, outputs, copy, expected) => {
  expect(appSecretTarget(outputs, copy, "acme/bloom-dr/prod")).toBe(expected);
});

test("replica without one on prod: says to set backup.replicaRegion while prod's region is up", () => {
  expect(() => appSecretTarget({ appDatabaseUrlSecretArn: PRIMARY }, "replica", "acme/bloom-dr/prod")).toThrow(
    "bloom-dr:failover.appSecret is replica but stack acme/bloom-dr/prod exports no appDatabaseUrlSecretReplicaArn: set backup.replicaRegion (this region) on the prod stack and run `pulumi up -s acme/bloom-dr/prod` while its region is up, or use appSecret: primary",
  );
});

test("no app secret at all: prod is not deployed", () => {
  expect(() => appSecretTarget({}, "primary", "acme/bloom-dr/prod")).toThrow(
    "stack acme/bloom-dr/prod exports no appDatabaseUrlSecretArn",
  );
});
