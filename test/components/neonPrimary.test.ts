import type { NeonPrimary as NeonPrimaryType } from "../../components/neonPrimary";
import { PulumiMockHarness, setupPulumiMocks, valueOf, isSecretOutput } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let NeonPrimary: typeof NeonPrimaryType;

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  ({ NeonPrimary } = await import("../../components/neonPrimary"));
});
beforeEach(() => mocks.reset());

const args = {
  projectName: "bloom-production",
  regionId: "aws-eu-central-1",
  pgVersion: 17,
  historyRetentionHours: 168,
};

async function build(extra: Partial<typeof args> & Record<string, unknown> = {}) {
  const primary = new NeonPrimary("primary", { ...args, ...extra });
  await mocks.settle(primary.directUri, primary.pooledUri, primary.primaryBranchId, primary.urn);
  return primary;
}

test("creates exactly a project, a protected branch, its endpoint, a role and a database", async () => {
  await build();
  expect(mocks.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
    "bloom-dr:neon:NeonPrimary primary",
    "neon:index/branch:Branch primary-branch",
    "neon:index/database:Database primary-database",
    "neon:index/endpoint:Endpoint primary-endpoint",
    "neon:index/project:Project primary-project",
    "neon:index/role:Role primary-role",
  ]);
});

test("the project has the region, version and a history window in seconds", async () => {
  await build();
  expect(mocks.one("neon:index/project:Project").inputs).toEqual({
    name: "bloom-production",
    regionId: "aws-eu-central-1",
    pgVersion: 17,
    historyRetentionSeconds: 604800,
    branch: { name: "main" },
    storePassword: "yes",
  });
});

test("the project is created in the given Neon organization", async () => {
  await build({ orgId: "org-cold-wave-12345678" });
  expect(mocks.one("neon:index/project:Project").inputs.orgId).toBe("org-cold-wave-12345678");
});

test("production data lives on a protected branch of the default branch, with a read-write endpoint", async () => {
  await build();
  expect(mocks.one("neon:index/branch:Branch").inputs).toEqual({
    projectId: "primary-project-project-id",
    parentId: "br-primary-project-default",
    name: "production",
    protected: "yes",
  });
  expect(mocks.one("neon:index/endpoint:Endpoint").inputs).toEqual({
    projectId: "primary-project-project-id",
    branchId: "br-primary-branch",
    type: "read_write",
  });
});

test("role and database default to bloom_app / bloom on the primary branch, owned by the role", async () => {
  await build();
  expect(mocks.one("neon:index/role:Role").inputs).toEqual({
    projectId: "primary-project-project-id",
    branchId: "br-primary-branch",
    name: "bloom_app",
  });
  expect(mocks.one("neon:index/database:Database").inputs).toEqual({
    projectId: "primary-project-project-id",
    branchId: "br-primary-branch",
    name: "bloom",
    ownerName: "bloom_app",
  });
});

test("overrides reach the resources", async () => {
  await build({
    databaseName: "shop",
    roleName: "shop_app",
    primaryBranchName: "prod-data",
    protectPrimaryBranch: false,
    historyRetentionHours: 24,
  });
  expect(mocks.one("neon:index/project:Project").inputs.historyRetentionSeconds).toBe(86400);
  expect(mocks.one("neon:index/branch:Branch").inputs).toMatchObject({ name: "prod-data", protected: "no" });
  expect(mocks.one("neon:index/role:Role").inputs.name).toBe("shop_app");
  expect(mocks.one("neon:index/database:Database").inputs).toMatchObject({ name: "shop", ownerName: "shop_app" });
});

test("direct and pooled URIs are secrets built from the endpoint host and the role's password", async () => {
  const primary = await build();
  expect(await isSecretOutput(primary.directUri)).toBe(true);
  expect(await isSecretOutput(primary.pooledUri)).toBe(true);
  expect(await isSecretOutput(primary.rolePassword)).toBe(true);
  expect(await valueOf(primary.directUri)).toBe(
    "postgresql://bloom_app:mock-password-primary-role@ep-primary-endpoint.aws.neon.tech/bloom?sslmode=require",
  );
  expect(await valueOf(primary.pooledUri)).toBe(
    "postgresql://bloom_app:mock-password-primary-role@ep-primary-endpoint-pooler.aws.neon.tech/bloom?sslmode=require",
  );
  expect(await valueOf(primary.defaultBranchId)).toBe("br-primary-project-default");
  expect(await valueOf(primary.primaryBranchId)).toBe("br-primary-branch");
});

test("children are parented to the component", async () => {
  await build();
  for (const child of ["primary-project", "primary-branch", "primary-endpoint", "primary-role", "primary-database"]) {
    expect(mocks.urnOf(child)).toContain("bloom-dr:neon:NeonPrimary$neon:index/");
  }
});

test("project, production branch, database and role are protected and retained; only the endpoint can be replaced", async () => {
  await build();
  const options = Object.fromEntries(
    mocks.customResources().map((r) => [r.name, [r.options.protect, r.options.retainOnDelete]]),
  );
  expect(options).toEqual({
    "primary-project": [true, true],
    "primary-branch": [true, true],
    "primary-role": [true, true],
    "primary-database": [true, true],
    "primary-endpoint": [false, false],
  });
  for (const resource of mocks.customResources()) expect(resource.options.parent).toBe(mocks.urnOf("primary"));
});

test("naming the primary branch like the default branch is refused", () => {
  expect(() => new NeonPrimary("bad", { ...args, primaryBranchName: "main" })).toThrow(
    'NeonPrimary bad: primaryBranchName "main" is the project\'s default branch; choose another name',
  );
});

describe("logical replication", () => {
  test("off by default: the project does not name the setting and no replication role exists", async () => {
    const primary = await build();
    expect(mocks.one("neon:index/project:Project").inputs.enableLogicalReplication).toBeUndefined();
    expect(mocks.ofType("neon:index/role:Role").map((r) => r.name)).toEqual(["primary-role"]);
    expect(await valueOf(primary.replicationUri)).toBeUndefined();
    expect(await valueOf(primary.replicationRoleName)).toBeUndefined();
  });

  test("on: the project runs wal_level=logical and a protected replication role has its own direct URL (secret)", async () => {
    const primary = await build({ logicalReplication: true });
    await mocks.settle(primary.replicationUri);
    expect(mocks.one("neon:index/project:Project").inputs.enableLogicalReplication).toBe("yes");
    const role = mocks.named("primary-replication-role");
    expect(role.inputs).toEqual({
      projectId: "primary-project-project-id",
      branchId: "br-primary-branch",
      name: "bloom_replicator",
    });
    expect([role.options.protect, role.options.retainOnDelete]).toEqual([true, true]);
    expect(role.options.parent).toBe(mocks.urnOf("primary"));
    expect(await isSecretOutput(primary.replicationUri)).toBe(true);
    // the direct endpoint (replication does not go through the pooler), the owner's database, TLS required
    expect(await valueOf(primary.replicationUri)).toBe(
      "postgresql://bloom_replicator:mock-password-primary-replication-role@ep-primary-endpoint.aws.neon.tech/bloom?sslmode=require",
    );
    expect(await valueOf(primary.replicationRoleName)).toBe("bloom_replicator");
    // the app's URLs are unchanged
    expect(await valueOf(primary.directUri)).toBe(
      "postgresql://bloom_app:mock-password-primary-role@ep-primary-endpoint.aws.neon.tech/bloom?sslmode=require",
    );
  });

  test("the replication role's name can be chosen", async () => {
    await build({ logicalReplication: true, replicationRoleName: "clinic_replication" });
    expect(mocks.named("primary-replication-role").inputs.name).toBe("clinic_replication");
  });
});
