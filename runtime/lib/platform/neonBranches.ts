import { Api, createApiClient, EndpointType } from "@neondatabase/api-client";
import { sleep } from "./sql";

/** The Neon API calls the cloud platform makes (tests pass an object of jest mocks). */
export type NeonClient = Pick<
  Api<unknown>,
  | "createProjectBranch"
  | "deleteProjectBranch"
  | "getConnectionUri"
  | "getProjectOperation"
  | "getProject"
  | "deleteProjectEndpoint"
>;

export function createNeonClient(apiKey: string): NeonClient {
  return createApiClient({ apiKey });
}

export interface NeonBranchRequest {
  projectId: string;
  parentBranchId: string;
  name: string;
  /** Point in time of the parent to branch from; absent = the parent's head. */
  at?: Date;
  databaseName: string;
  roleName: string;
  /** Neon deletes the branch by itself then, should our own clean-up never run. */
  expiresAt: Date;
}

export interface NeonBranch {
  branchId: string;
  endpointId: string;
  createdAt: Date;
  /** Direct (unpooled) connection URI: pg_dump and pg_restore need a real session. */
  url: string;
}

/**
 * Creates a branch with a read-write endpoint, waits until Neon's operations for it are done,
 * and returns its direct connection URI. If anything after the creation fails, the branch is
 * deleted again, so that a failed call leaves nothing behind.
 */
export async function createNeonBranch(
  client: NeonClient,
  request: NeonBranchRequest,
  signal?: AbortSignal,
): Promise<NeonBranch> {
  const created = await neonCall("createProjectBranch", request.name, () =>
    client.createProjectBranch(request.projectId, {
      branch: {
        parent_id: request.parentBranchId,
        name: request.name,
        ...(request.at ? { parent_timestamp: request.at.toISOString() } : {}),
        expires_at: request.expiresAt.toISOString(),
      },
      endpoints: [{ type: EndpointType.ReadWrite }],
    }),
  );
  const branchId = created.data.branch.id;
  try {
    const endpointId = created.data.endpoints[0]?.id;
    if (!endpointId)
      throw new Error(`Neon created branch ${request.name} without an endpoint: delete it in the console and retry`);
    await waitForOperations(
      client,
      request.projectId,
      created.data.operations.map((o) => o.id),
      signal,
    );
    const uri = await neonCall("getConnectionUri", request.name, () =>
      client.getConnectionUri({
        projectId: request.projectId,
        branch_id: branchId,
        endpoint_id: endpointId,
        database_name: request.databaseName,
        role_name: request.roleName,
        pooled: false,
      }),
    );
    return { branchId, endpointId, createdAt: new Date(created.data.branch.created_at), url: uri.data.uri };
  } catch (err) {
    await deleteNeonBranch(client, request.projectId, branchId).catch(() => undefined);
    throw err;
  }
}

export async function deleteNeonBranch(client: NeonClient, projectId: string, branchId: string): Promise<void> {
  await neonCall("deleteProjectBranch", branchId, () => client.deleteProjectBranch({ projectId, branchId }));
}

/** Deletes a compute endpoint (the drill's "loss of the primary"; the branch's data stays). */
export async function deleteNeonEndpoint(client: NeonClient, projectId: string, endpointId: string): Promise<void> {
  await neonCall("deleteProjectEndpoint", endpointId, () => client.deleteProjectEndpoint(projectId, endpointId));
}

/** Neon's history retention for the project, in seconds (the PITR window). */
export async function historyRetentionSeconds(client: NeonClient, projectId: string): Promise<number> {
  const { data } = await neonCall("getProject", projectId, () => client.getProject(projectId));
  return data.project.history_retention_seconds;
}

const FINISHED = new Set(["finished", "skipped"]);
const FAILED = new Set(["failed", "error", "cancelled", "cancelling"]);

async function waitForOperations(
  client: NeonClient,
  projectId: string,
  ids: string[],
  signal?: AbortSignal,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const id of ids) {
    for (;;) {
      const { data } = await neonCall("getProjectOperation", id, () => client.getProjectOperation(projectId, id));
      const { status, action, error } = data.operation;
      if (FINISHED.has(status)) break;
      if (FAILED.has(status))
        throw new Error(
          `Neon operation ${action} (${id}) ended ${status}${error ? `: ${error}` : ""}: retry, or check the project's operations in the Neon console`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `Neon operation ${action} (${id}) still ${status} after ${timeoutMs / 1000}s: check the Neon console`,
        );
      await sleep(1000, signal);
    }
  }
}

/** Runs one API call; turns an HTTP error into one line (status and Neon's message, never the key). */
async function neonCall<T>(operation: string, subject: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as { response?: { status?: number; data?: { message?: string } }; message?: string };
    const status = e.response?.status;
    const detail = e.response?.data?.message ?? e.message ?? String(err);
    const hint =
      status === 401
        ? "check NEON_API_KEY"
        : status === 404
          ? "check the project and branch ids"
          : "retry, or check the Neon console";
    throw new Error(
      `Neon API ${operation} for ${subject} failed${status ? ` (HTTP ${status})` : ""}: ${detail}: ${hint}`,
    );
  }
}
