/**
 * `migrate run --branch`: the pre-migration Neon branch, through the cloud platform's Neon code,
 * with the Neon API client mocked as in test/runtime/platform/cloud.test.ts; the migration itself
 * runs for real against local PostgreSQL.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import {
  createPreMigrationBranch,
  endpointIdFromHost,
  MigrateNeonClient,
} from "../../../runtime/lib/migrate/neonRestorePoint";
import { runMigration } from "../../../runtime/lib/migrate/runMigration";
import { query, startTestCluster } from "../../support/postgres";
import { mockNeon } from "../platform/fakes";

const NOW = new Date("2025-03-09T08:10:00.000Z");
const NEON_URL = "postgresql://bloom_app:s3cret@ep-cool-darkness-123456.us-east-2.aws.neon.tech/bloom?sslmode=require";

function neonWithEndpoints() {
  const { neon } = mockNeon({ createdAt: "2025-03-09T08:10:01.000Z", branchIds: ["br-premigrate"] });
  const getProjectEndpoint = jest.fn(async (_projectId: string, endpointId: string) => ({
    data: { endpoint: { id: endpointId, branch_id: "br-production" } },
  }));
  const all = { ...neon, getProjectEndpoint };
  return { neon: all, client: all as unknown as MigrateNeonClient };
}

test.each([
  ["ep-cool-darkness-123456.us-east-2.aws.neon.tech", "ep-cool-darkness-123456"],
  ["ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", "ep-cool-darkness-123456"],
  ["EP-Upper-1.eu-central-1.aws.neon.tech", "ep-upper-1"],
  ["db.example.com", undefined],
  ["127.0.0.1", undefined],
])("endpointIdFromHost(%s) = %s", (host, id) => {
  expect(endpointIdFromHost(host)).toBe(id);
});

test("the branch is cut from the head of the endpoint's branch, named for the time, kept 7 days; its URL is redacted", async () => {
  const { neon, client } = neonWithEndpoints();
  const branch = await createPreMigrationBranch(client, { projectId: "proj-bloom", dbUrl: NEON_URL, now: NOW });
  expect(neon.getProjectEndpoint.mock.calls).toEqual([["proj-bloom", "ep-cool-darkness-123456"]]);
  expect(neon.createProjectBranch.mock.calls).toEqual([
    [
      "proj-bloom",
      {
        branch: {
          parent_id: "br-production",
          name: "bloom-dr-premigrate-2025-03-09t08-10-00-000z",
          expires_at: "2025-03-16T08:10:00.000Z",
        },
        endpoints: [{ type: "read_write" }],
      },
    ],
  ]);
  expect(neon.getConnectionUri).toHaveBeenCalledWith({
    projectId: "proj-bloom",
    branch_id: "br-premigrate",
    endpoint_id: "ep-1",
    database_name: "bloom",
    role_name: "bloom_app",
    pooled: false,
  });
  expect(branch).toEqual({
    branchId: "br-premigrate",
    name: "bloom-dr-premigrate-2025-03-09t08-10-00-000z",
    parentBranchId: "br-production",
    createdAt: "2025-03-09T08:10:01.000Z",
    expiresAt: "2025-03-16T08:10:00.000Z",
    url: "postgresql://app:***@br-premigrate.neon.example/bloom?sslmode=require",
  });
  expect(neon.deleteProjectBranch).not.toHaveBeenCalled();
});

test("--neon-branch names the parent: no endpoint lookup", async () => {
  const { neon, client } = neonWithEndpoints();
  await createPreMigrationBranch(client, {
    projectId: "proj-bloom",
    dbUrl: NEON_URL,
    parentBranchId: "br-staging",
    now: NOW,
  });
  expect(neon.getProjectEndpoint).not.toHaveBeenCalled();
  expect(neon.createProjectBranch.mock.calls[0][1].branch).toMatchObject({ parent_id: "br-staging" });
});

test("a host that is not a Neon endpoint, without --neon-branch: one line, nothing created", async () => {
  const { neon, client } = neonWithEndpoints();
  await expect(
    createPreMigrationBranch(client, { projectId: "p", dbUrl: "postgresql://a:b@db.example.com/x", now: NOW }),
  ).rejects.toThrow(
    "--db host db.example.com is not a Neon endpoint (ep-…): pass --neon-branch ID (the branch to copy) with --branch",
  );
  expect(neon.createProjectBranch).not.toHaveBeenCalled();
});

test("an HTTP error on the endpoint lookup: one line with Neon's message, never the key", async () => {
  const { neon, client } = neonWithEndpoints();
  neon.getProjectEndpoint.mockRejectedValueOnce(
    Object.assign(new Error("Request failed with status code 401"), {
      response: { status: 401, data: { message: "authorization failed" } },
      config: { headers: { Authorization: "Bearer napi_secret" } },
    }),
  );
  const error = (await createPreMigrationBranch(client, { projectId: "p", dbUrl: NEON_URL, now: NOW }).catch(
    (e: Error) => e,
  )) as Error;
  expect(error.message).toBe(
    "Neon API getProjectEndpoint for ep-cool-darkness-123456 failed (HTTP 401): authorization failed: check NEON_API_KEY",
  );
});

describe("runMigration with a branch as the restore point", () => {
  let cluster: LocalCluster;
  let work: string;
  let dbUrl: string;

  beforeAll(async () => {
    cluster = await startTestCluster("migrate-branch");
    await query(cluster.url(), "CREATE ROLE app LOGIN PASSWORD 'app-pw'");
    await query(cluster.url(), "CREATE DATABASE bloom OWNER app");
    dbUrl = `postgresql://app:app-pw@127.0.0.1:${cluster.port}/bloom`;
    work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-migrate-branch-"));
  });

  afterAll(async () => {
    await cluster?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("branch instead of a backup: the branch first, then the command; the way back is the Neon restore", async () => {
    const { neon, client } = neonWithEndpoints();
    const order: string[] = [];
    neon.createProjectBranch.mockImplementationOnce(async (_p: string, body: { branch: { name: string } }) => {
      order.push("createProjectBranch");
      return {
        data: {
          branch: { id: "br-premigrate", name: body.branch.name, created_at: "2025-03-09T08:10:01.000Z" },
          endpoints: [{ id: "ep-9" }],
          operations: [],
        },
      };
    });
    const marker = path.join(work, "migrated");
    const result = await runMigration({
      dbUrl,
      command: ["sh", "-c", 'touch "$1"; exit 4', "sh", marker],
      branch: { neon: client, projectId: "proj-bloom", parentBranchId: "br-production" },
      passthrough: "capture",
      now: () => NOW,
      onPhase: (p) => order.push(p),
    });
    expect(order).toEqual(["branch", "createProjectBranch", "migration", "status"]);
    expect(existsSync(marker)).toBe(true);
    expect(result).toMatchObject({
      ok: false,
      backup: null,
      branch: { branchId: "br-premigrate", parentBranchId: "br-production" },
      failure: `sh -c 'touch "$1"; exit 4' sh ${marker} exited with code 4`,
      prisma: null,
    });
    expect(result.wayBack).toEqual([
      'Neon: restore branch br-production from bloom-dr-premigrate-2025-03-09t08-10-00-000z (br-premigrate): Console → Branches → br-production → Restore → from another branch, or POST /projects/{project}/branches/br-production/restore {"source_branch_id": "br-premigrate", "preserve_under_name": "before-restore"}',
    ]);
  });

  test("a branch that cannot be created stops the run before the command", async () => {
    const { neon, client } = neonWithEndpoints();
    neon.getProjectOperation.mockResolvedValueOnce({
      data: { operation: { id: "op-1-a", action: "create_branch", status: "failed", error: "branch limit reached" } },
    } as never);
    const marker = path.join(work, "never");
    await expect(
      runMigration({
        dbUrl,
        command: ["touch", marker],
        branch: { neon: client, projectId: "proj-bloom", parentBranchId: "br-production" },
        passthrough: "capture",
        now: () => NOW,
      }),
    ).rejects.toThrow(
      "Neon operation create_branch (op-1-a) ended failed: branch limit reached: retry, or check the project's operations in the Neon console; the migration was not run",
    );
    expect(existsSync(marker)).toBe(false);
    expect(neon.deleteProjectBranch.mock.calls).toEqual([[{ projectId: "proj-bloom", branchId: "br-premigrate" }]]);
  });
});
