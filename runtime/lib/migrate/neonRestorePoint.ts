/**
 * `migrate run --branch`: a Neon branch of the database as it was just before the migration, the
 * playbook's "test in staging first" and a way back in one step. The branch is cut from the head
 * of the branch the --db endpoint serves, kept for a week (Neon deletes it then by itself).
 */
import type { Api } from "@neondatabase/api-client";
import { parseConnectionUrl, redactUrl } from "../postgres/connectionUrl";
import { createNeonBranch, NeonClient } from "../platform/neonBranches";

/** The Neon API calls `migrate run --branch` makes (tests pass jest mocks). */
export type MigrateNeonClient = NeonClient & Pick<Api<unknown>, "getProjectEndpoint">;

/** How long the pre-migration branch lives: the playbook keeps an old database 7 days for forensics. */
export const PRE_MIGRATION_BRANCH_TTL_MS = 7 * 24 * 3_600_000;

export interface PreMigrationBranchRequest {
  projectId: string;
  /** The migrated database's URL: its endpoint names the parent branch, its user and database the branch's. */
  dbUrl: string;
  /** The parent branch; default: the branch of the URL's endpoint. */
  parentBranchId?: string;
  now: Date;
}

export interface PreMigrationBranch {
  branchId: string;
  name: string;
  parentBranchId: string;
  createdAt: string;
  expiresAt: string;
  /** Direct connection URI, password replaced by ***. */
  url: string;
}

/** `ep-cool-darkness-123456` from `ep-cool-darkness-123456[-pooler].us-east-2.aws.neon.tech`. */
export function endpointIdFromHost(host: string): string | undefined {
  const first = host.split(".")[0].replace(/-pooler$/i, "");
  return /^ep-[a-z0-9-]+$/i.test(first) ? first.toLowerCase() : undefined;
}

/** `bloom-dr-premigrate-2025-01-15t10-00-00-000z`: a valid Neon branch name that sorts by time. */
export function preMigrationBranchName(now: Date): string {
  return `bloom-dr-premigrate-${now.toISOString().replace(/[:.]/g, "-").toLowerCase()}`;
}

export async function createPreMigrationBranch(
  client: MigrateNeonClient,
  request: PreMigrationBranchRequest,
  signal?: AbortSignal,
): Promise<PreMigrationBranch> {
  const parts = parseConnectionUrl(request.dbUrl, "--db");
  const parentBranchId = request.parentBranchId ?? (await branchOfEndpoint(client, request.projectId, parts.host));
  const name = preMigrationBranchName(request.now);
  const expiresAt = new Date(request.now.getTime() + PRE_MIGRATION_BRANCH_TTL_MS);
  const branch = await createNeonBranch(
    client,
    {
      projectId: request.projectId,
      parentBranchId,
      name,
      databaseName: parts.database,
      roleName: parts.user,
      expiresAt,
    },
    signal,
  );
  return {
    branchId: branch.branchId,
    name,
    parentBranchId,
    createdAt: branch.createdAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    url: redactUrl(branch.url),
  };
}

async function branchOfEndpoint(client: MigrateNeonClient, projectId: string, host: string): Promise<string> {
  const endpointId = endpointIdFromHost(host);
  if (!endpointId)
    throw new Error(
      `--db host ${host} is not a Neon endpoint (ep-…): pass --neon-branch ID (the branch to copy) with --branch`,
    );
  try {
    const { data } = await client.getProjectEndpoint(projectId, endpointId);
    return data.endpoint.branch_id;
  } catch (err) {
    const e = err as { response?: { status?: number; data?: { message?: string } }; message?: string };
    const status = e.response?.status;
    const detail = e.response?.data?.message ?? e.message ?? String(err);
    throw new Error(
      `Neon API getProjectEndpoint for ${endpointId} failed${status ? ` (HTTP ${status})` : ""}: ${detail}: ${
        status === 401 ? "check NEON_API_KEY" : "check NEON_PROJECT_ID (or --neon-project) and the --db host"
      }`,
    );
  }
}

/** How to go back to the branch: Neon restores the parent from it in place. */
export function branchRestoreHint(branch: PreMigrationBranch): string {
  return `Neon: restore branch ${branch.parentBranchId} from ${branch.name} (${branch.branchId}): Console → Branches → ${branch.parentBranchId} → Restore → from another branch, or POST /projects/{project}/branches/${branch.parentBranchId}/restore {"source_branch_id": "${branch.branchId}", "preserve_under_name": "before-restore"}`;
}
