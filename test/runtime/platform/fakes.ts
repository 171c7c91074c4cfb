import { NeonClient } from "../../../runtime/lib/platform/neonBranches";
import { StackDriver, StackOutputs } from "../../../runtime/lib/platform/stackDriver";

/** A StackDriver that records every call and serves outputs from a table. */
export class FakeStackDriver implements StackDriver {
  readonly calls: [string, ...unknown[]][] = [];
  readonly config: Record<string, string>;

  constructor(
    readonly stackName: string,
    private readonly outputsNow: Record<string, unknown>,
    config: Record<string, string> = {},
    private readonly outputsAfterUp: Record<string, unknown> = outputsNow,
  ) {
    this.config = { ...config };
  }

  async outputs(): Promise<StackOutputs> {
    this.calls.push(["outputs"]);
    return wrap(this.outputsNow);
  }
  async getConfig(path: string): Promise<string | undefined> {
    this.calls.push(["getConfig", path]);
    return this.config[path];
  }
  async setConfig(values: Record<string, string>): Promise<void> {
    this.calls.push(["setConfig", values]);
    Object.assign(this.config, values);
  }
  async removeConfig(paths: string[]): Promise<void> {
    this.calls.push(["removeConfig", paths]);
    for (const p of paths) delete this.config[p];
  }
  async up(): Promise<StackOutputs> {
    this.calls.push(["up", { ...this.config }]);
    return wrap(this.outputsAfterUp);
  }
  async destroy(): Promise<void> {
    this.calls.push(["destroy"]);
  }
}

function wrap(values: Record<string, unknown>): StackOutputs {
  return Object.fromEntries(
    Object.entries(values).map(([k, value]) => [k, { value, secret: /Uri|Url|Secret/.test(k) }]),
  );
}

/** jest mocks of the Neon API client methods the cloud platform calls, answering like the real API. */
export function mockNeon(options: { createdAt: string; branchIds?: string[] }) {
  const branchIds = [...(options.branchIds ?? ["br-working", "br-pitr"])];
  let n = 0;
  const neon = {
    createProjectBranch: jest.fn(async (_projectId: string, body: { branch: { name: string } }) => {
      n++;
      return {
        data: {
          branch: { id: branchIds.shift() ?? `br-${n}`, name: body.branch.name, created_at: options.createdAt },
          endpoints: [{ id: `ep-${n}` }],
          operations: [{ id: `op-${n}-a` }, { id: `op-${n}-b` }],
        },
      };
    }),
    getProjectOperation: jest.fn(async (_projectId: string, id: string) => ({
      data: { operation: { id, action: "create_branch", status: "finished" } },
    })),
    getConnectionUri: jest.fn(async (q: { branch_id: string }) => ({
      data: { uri: `postgresql://app:secret@${q.branch_id}.neon.example/bloom?sslmode=require` },
    })),
    getProject: jest.fn(async () => ({ data: { project: { history_retention_seconds: 86_400 } } })),
    deleteProjectBranch: jest.fn(async () => ({ data: {} })),
    deleteProjectEndpoint: jest.fn(async () => ({ data: {} })),
  };
  return { neon, client: neon as unknown as NeonClient };
}

export const PROD_OUTPUTS = {
  neonProjectId: "proj-bloom",
  neonPrimaryBranchId: "br-main",
  databaseName: "bloom",
  databaseRole: "app",
  directConnectionUri: "postgresql://app:prod-secret@ep-main.neon.example/bloom",
};
