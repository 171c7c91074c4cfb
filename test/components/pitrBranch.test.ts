import * as pulumi from "@pulumi/pulumi";
import type { PitrBranch as PitrBranchType } from "../../components/pitrBranch";
import { PulumiMockHarness, setupPulumiMocks, valueOf, isSecretOutput } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let PitrBranch: typeof PitrBranchType;

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  ({ PitrBranch } = await import("../../components/pitrBranch"));
});
beforeEach(() => mocks.reset());

const shared = {
  projectId: "proj-1",
  parentBranchId: "br-production",
  databaseName: "bloom",
  roleName: "bloom_app",
  rolePassword: pulumi.secret("pw/with:chars"),
};

test("one branch at the epoch second of `at`, from the primary branch, with a read-write endpoint", async () => {
  const branch = new PitrBranch("pitr-restore-orders", {
    ...shared,
    branchName: "restore-orders",
    at: "2026-03-09T08:15:00Z",
  });
  await mocks.settle(branch.connectionUri, branch.urn);
  expect(mocks.customResources()).toHaveLength(2);
  expect(mocks.one("neon:index/branch:Branch").inputs).toEqual({
    projectId: "proj-1",
    parentId: "br-production",
    name: "restore-orders",
    parentTimestamp: 1773044100,
  });
  expect(mocks.one("neon:index/endpoint:Endpoint").inputs).toEqual({
    projectId: "proj-1",
    branchId: "br-pitr-restore-orders-branch",
    type: "read_write",
  });
  expect(branch.parentTimestamp).toBe(1773044100);
  expect(mocks.urnOf("pitr-restore-orders-branch")).toContain("bloom-dr:neon:PitrBranch$neon:index/branch:Branch");
  expect(mocks.urnOf("pitr-restore-orders-endpoint")).toContain(
    "bloom-dr:neon:PitrBranch$neon:index/endpoint:Endpoint",
  );
});

test("the connection URI is a secret pointing at the branch's own endpoint", async () => {
  const branch = new PitrBranch("pitr-a", { ...shared, branchName: "a", at: "2026-03-09T08:15:00Z" });
  expect(await isSecretOutput(branch.connectionUri)).toBe(true);
  expect(await valueOf(branch.connectionUri)).toBe(
    "postgresql://bloom_app:pw%2Fwith%3Achars@ep-pitr-a-endpoint.aws.neon.tech/bloom?sslmode=require",
  );
});

test("a malformed timestamp is refused with the value in the message", () => {
  expect(() => new PitrBranch("pitr-x", { ...shared, branchName: "x", at: "last tuesday" })).toThrow(
    'PITR timestamp "last tuesday" is not a date',
  );
});
