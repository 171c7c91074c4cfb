import * as pulumi from "@pulumi/pulumi";
import type { PitrBranch as PitrBranchType, PitrBranchArgs } from "../../components/pitrBranch";
import { PulumiMockHarness, setupPulumiMocks, valueOf, isSecretOutput } from "../support/pulumiMocks";
import { constructionFailure } from "./support/failedConstruction";

let mocks: PulumiMockHarness;
let PitrBranch: typeof PitrBranchType;

const PASSWORD_INVOKE = "neon:index/getBranchRolePassword:getBranchRolePassword";

beforeAll(async () => {
  mocks = await setupPulumiMocks({
    invokes: {
      [PASSWORD_INVOKE]: (inputs) => ({ ...inputs, id: "x", password: `branch/own:pw@${inputs.branchId}` }),
    },
  });
  ({ PitrBranch } = await import("../../components/pitrBranch"));
});
beforeEach(() => mocks.reset());

const shared = {
  projectId: "proj-1",
  parentBranchId: "br-production",
  databaseName: "bloom",
  roleName: "bloom_app",
};

interface SentOptions {
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
}

/** Builds one branch, recording the options each child was registered with. */
async function build(name: string, extra: Partial<PitrBranchArgs> = {}) {
  const options = new Map<string, SentOptions>();
  const recorder: pulumi.ResourceTransformation = ({ name: child, opts }) => {
    const sent = opts as pulumi.CustomResourceOptions;
    options.set(child, { deleteBeforeReplace: sent.deleteBeforeReplace, replaceOnChanges: sent.replaceOnChanges });
    return undefined;
  };
  const branch = new PitrBranch(
    name,
    { ...shared, branchName: "restore-orders", at: "2026-03-09T08:15:00Z", ...extra },
    { transformations: [recorder] },
  );
  await mocks.settle(branch.connectionUri, branch.urn);
  return { branch, options };
}

test("one branch at the epoch second of `at`, from the primary branch, with a read-write endpoint", async () => {
  const { branch } = await build("pitr-restore-orders");
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

test("the connection URI is a secret with the branch's own role password and the branch's endpoint", async () => {
  const { branch } = await build("pitr-a");
  expect(await isSecretOutput(branch.connectionUri)).toBe(true);
  expect(await valueOf(branch.connectionUri)).toBe(
    "postgresql://bloom_app:branch%2Fown%3Apw%40br-pitr-a-branch@ep-pitr-a-endpoint.aws.neon.tech/bloom?sslmode=require",
  );
  // Asked of Neon for this branch, after it exists: not the parent's password.
  expect(mocks.invokes.filter((invoke) => invoke.token === PASSWORD_INVOKE).map((invoke) => invoke.inputs)).toEqual([
    { projectId: "proj-1", branchId: "br-pitr-a-branch", roleName: "bloom_app" },
  ]);
});

test("a changed `at` deletes branch and endpoint before creating them again; the endpoint never moves in place", async () => {
  const { options } = await build("pitr-b");
  expect(options.get("pitr-b-branch")).toEqual({ deleteBeforeReplace: true, replaceOnChanges: undefined });
  expect(options.get("pitr-b-endpoint")).toEqual({ deleteBeforeReplace: true, replaceOnChanges: ["branchId"] });
  expect(mocks.named("pitr-b-branch").options.deleteBeforeReplace).toBe(true);
  expect(mocks.named("pitr-b-endpoint").options.deleteBeforeReplace).toBe(true);
});

test("a changed `at` changes only parentTimestamp: name, URNs and the endpoint's inputs stay", async () => {
  await build("pitr-c");
  const before = { urns: mocks.urns().sort(), endpoint: mocks.one("neon:index/endpoint:Endpoint").inputs };
  mocks.reset();
  await build("pitr-c", { at: "2026-03-09T09:00:00Z" });
  expect(mocks.urns().sort()).toEqual(before.urns);
  expect(mocks.one("neon:index/branch:Branch").inputs).toMatchObject({
    name: "restore-orders",
    parentTimestamp: 1773046800,
  });
  expect(mocks.one("neon:index/endpoint:Endpoint").inputs).toEqual(before.endpoint);
});

test("a malformed timestamp is refused before anything is created", async () => {
  const failure = await constructionFailure(
    mocks,
    "pitr-x",
    () => new PitrBranch("pitr-x", { ...shared, branchName: "x", at: "last tuesday" }),
  );
  expect(failure.error).toContain('PITR timestamp "last tuesday" is not a date');
  expect(failure.children).toEqual([]);
});
