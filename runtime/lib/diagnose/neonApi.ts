/**
 * What Neon itself says about the endpoint (active, idle = suspended, init; disabled) and the
 * project's current operations, through @neondatabase/api-client when NEON_API_KEY is set. Never
 * fails the diagnosis: a missing key or a failed call becomes a note saying what to check instead.
 */
import type { Api } from "@neondatabase/api-client";
import { endpointIdFromHost } from "../migrate/neonRestorePoint";
import { NeonOperation, NeonReport } from "./types";

/** The two Neon API calls diagnose makes (tests pass jest mocks). */
export type DiagnoseNeonClient = Pick<Api<unknown>, "getProjectEndpoint" | "listProjectOperations">;

/** Operations in these states are still changing the project. */
const UNFINISHED = new Set(["scheduling", "running", "cancelling"]);
const FAILED = new Set(["failed", "error"]);
/** A failed operation older than this is history, not part of the outage. */
export const RECENT_FAILURE_MS = 3_600_000;

/** How to check the provider's status page; bloom-dr itself does not reach it (it works offline). */
export const NEON_STATUS_PAGE =
  "Neon's status page (not read by bloom-dr): open https://status.neon.tech in a browser, or run curl -s https://status.neon.tech/api/v2/status.json | jq .status; an incident there means playbook SEV-1 Opción B";

export interface NeonRequest {
  host: string;
  isNeon: boolean;
  apiKeySet: boolean;
  projectId?: string;
  now: Date;
}

function apiError(call: string, err: unknown): string {
  const e = err as { response?: { status?: number; data?: { message?: string } }; message?: string };
  const status = e.response?.status;
  const detail = e.response?.data?.message ?? e.message ?? String(err);
  const hint = status === 401 || status === 403 ? "check NEON_API_KEY" : "check NEON_PROJECT_ID and the endpoint host";
  return `Neon API ${call} failed${status ? ` (HTTP ${status})` : ""}: ${detail.split("\n")[0]}: ${hint}`;
}

export async function readNeon(client: DiagnoseNeonClient | undefined, request: NeonRequest): Promise<NeonReport> {
  if (!request.isNeon) return { checked: false, note: `${request.host} is not a Neon host: no Neon API to ask` };
  const endpointId = endpointIdFromHost(request.host);
  if (!request.apiKeySet || !client)
    return {
      checked: false,
      note: "NEON_API_KEY is not set: the endpoint state and the project's operations were not read (Neon Console → Branches → the compute, and → Operations)",
    };
  if (!request.projectId)
    return {
      checked: false,
      note: "no Neon project: set NEON_PROJECT_ID (the prod stack's neonProjectId output) or --neon-project to read the endpoint state and operations",
    };
  if (!endpointId) return { checked: false, note: `${request.host} does not name a Neon endpoint (ep-…)` };
  const report: NeonReport = { checked: true };
  const notes: string[] = [];
  try {
    const { data } = await client.getProjectEndpoint(request.projectId, endpointId);
    const e = data.endpoint;
    report.endpoint = {
      id: e.id,
      state: e.current_state,
      pendingState: e.pending_state ?? null,
      disabled: Boolean(e.disabled),
      suspendedAt: e.suspended_at ?? null,
      lastActive: e.last_active ?? null,
    };
  } catch (err) {
    notes.push(apiError(`getProjectEndpoint ${endpointId}`, err));
  }
  try {
    const { data } = await client.listProjectOperations({ projectId: request.projectId, limit: 50 });
    const since = request.now.getTime() - RECENT_FAILURE_MS;
    report.operations = data.operations
      .filter((op) => UNFINISHED.has(op.status) || (FAILED.has(op.status) && Date.parse(op.created_at) >= since))
      .map((op): NeonOperation => ({
        id: op.id,
        action: op.action,
        status: op.status,
        createdAt: op.created_at,
        error: op.error ?? null,
      }));
  } catch (err) {
    notes.push(apiError("listProjectOperations", err));
  }
  if (notes.length > 0) report.note = notes.join("; ");
  return report;
}
