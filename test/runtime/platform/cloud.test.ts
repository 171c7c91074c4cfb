import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { CloudPlatform, CloudPlatformOptions, formatRetention } from "../../../runtime/lib/platform/cloud";
import { platformFactory } from "../../../runtime/lib/platform/openPlatform";
import { queryOne } from "../../../runtime/lib/platform/sql";
import { FakeStackDriver, mockNeon, PROD_OUTPUTS } from "./fakes";

const NOW = new Date("2025-01-15T10:00:00.000Z");
const CREATED = "2025-01-15T09:59:00.000Z";

function setup(
  overrides: Partial<CloudPlatformOptions> = {},
  drOutputs: Record<string, unknown> = {},
  drConfig: Record<string, string> = { "failover.mode": "off" },
) {
  const { neon, client } = mockNeon({ createdAt: CREATED });
  const prod = new FakeStackDriver("acme/bloom-dr/prod", PROD_OUTPUTS);
  const dr = new FakeStackDriver("acme/bloom-dr/dr", { primaryStack: "acme/bloom-dr/prod" }, drConfig, drOutputs);
  const readSecret = jest.fn(async () => "{}");
  const options: CloudPlatformOptions = {
    neon: client,
    primaryStack: prod,
    drStack: dr,
    readSecret,
    now: () => NOW,
    ...overrides,
  };
  return { neon, prod, dr, readSecret, options };
}

describe("cloud platform: Neon branches", () => {
  test("the drill's primary is a new working branch of the primary branch, never the production branch itself", async () => {
    const { neon, dr, options } = setup();
    const platform = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options);
    expect(neon.createProjectBranch).toHaveBeenCalledTimes(1);
    expect(neon.createProjectBranch).toHaveBeenCalledWith("proj-bloom", {
      branch: {
        parent_id: "br-main",
        name: "bloom-dr-drill-pitr-2025-01-15t10-00-00-000z",
        expires_at: "2025-01-16T10:00:00.000Z",
      },
      endpoints: [{ type: "read_write" }],
    });
    expect(neon.getProjectOperation.mock.calls).toEqual([
      ["proj-bloom", "op-1-a"],
      ["proj-bloom", "op-1-b"],
    ]);
    expect(neon.getConnectionUri).toHaveBeenCalledWith({
      projectId: "proj-bloom",
      branch_id: "br-working",
      endpoint_id: "ep-1",
      database_name: "bloom",
      role_name: "app",
      pooled: false,
    });
    expect(platform.primaryUrl()).toBe("postgresql://app:secret@br-working.neon.example/bloom?sslmode=require");
    expect(dr.calls).toEqual([]); // no standby needed: the DR stack is not touched
    await platform.dispose();
    expect(neon.deleteProjectBranch.mock.calls).toEqual([[{ projectId: "proj-bloom", branchId: "br-working" }]]);
  });

  test("branchAt creates a child of the working branch at the timestamp; dispose deletes it", async () => {
    const { neon, options } = setup();
    const platform = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options);
    const at = new Date("2025-01-15T09:59:30.000Z");
    const branch = await platform.branchAt(at, "pitr-drill");
    expect(neon.getProject).toHaveBeenCalledWith("proj-bloom");
    expect(neon.createProjectBranch).toHaveBeenLastCalledWith("proj-bloom", {
      branch: {
        parent_id: "br-working",
        name: "bloom-dr-drill-pitr-2025-01-15t10-00-00-000z-pitr-drill",
        parent_timestamp: "2025-01-15T09:59:30.000Z",
        expires_at: "2025-01-16T10:00:00.000Z",
      },
      endpoints: [{ type: "read_write" }],
    });
    expect(branch.url).toBe("postgresql://app:secret@br-pitr.neon.example/bloom?sslmode=require");
    await branch.dispose();
    expect(neon.deleteProjectBranch).toHaveBeenLastCalledWith({ projectId: "proj-bloom", branchId: "br-pitr" });
    await platform.dispose();
    expect(neon.deleteProjectBranch).toHaveBeenCalledTimes(2);
  });

  test("NEON_PROJECT_ID takes precedence over the stack output", async () => {
    const { neon, options } = setup({ projectId: "proj-override" });
    const platform = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options);
    expect(neon.createProjectBranch.mock.calls[0][0]).toBe("proj-override");
    await platform.dispose();
  });

  test.each([
    ["in the future", "2025-01-15T10:00:01.000Z", /^branch time 2025-01-15T10:00:01.000Z is in the future/],
    [
      "before the working branch",
      "2025-01-15T09:58:59.000Z",
      /^branch time \S+ is before the drill's working branch bloom-dr-drill-pitr-\S+ \(2025-01-15T09:59:00.000Z\)/,
    ],
  ])("branchAt refuses a time %s without creating anything", async (_label, at, message) => {
    const { neon, options } = setup();
    const platform = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options);
    await expect(platform.branchAt(new Date(at), "x")).rejects.toThrow(message);
    expect(neon.createProjectBranch).toHaveBeenCalledTimes(1);
    await platform.dispose();
  });

  test("branchAt refuses a time outside the project's history window", async () => {
    const { neon, options } = setup();
    neon.getProject.mockResolvedValue({ data: { project: { history_retention_seconds: 30 } } });
    const platform = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options);
    await expect(platform.branchAt(new Date("2025-01-15T09:59:10.000Z"), "x")).rejects.toThrow(
      "branch time 2025-01-15T09:59:10.000Z is before the project's 30 s history window (2025-01-15T09:59:30.000Z)",
    );
    await platform.dispose();
  });

  test("a failed Neon operation deletes the half-made branch and says why in one line", async () => {
    const { neon, options } = setup();
    neon.getProjectOperation.mockResolvedValueOnce({
      data: { operation: { id: "op-1-a", action: "create_branch", status: "failed", error: "quota exceeded" } },
    } as never);
    await expect(CloudPlatform.open({ branches: true, standby: false }, "pitr", options)).rejects.toThrow(
      "Neon operation create_branch (op-1-a) ended failed: quota exceeded: retry, or check the project's operations in the Neon console",
    );
    expect(neon.deleteProjectBranch.mock.calls).toEqual([[{ projectId: "proj-bloom", branchId: "br-working" }]]);
  });

  test("an HTTP error becomes one line with Neon's message and no credentials", async () => {
    const { neon, options } = setup();
    neon.createProjectBranch.mockRejectedValueOnce(
      Object.assign(new Error("Request failed with status code 401"), {
        response: { status: 401, data: { message: "authorization failed" } },
        config: { headers: { Authorization: "Bearer napi_secret" } },
      }),
    );
    const error = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "Neon API createProjectBranch for bloom-dr-drill-pitr-2025-01-15t10-00-00-000z failed (HTTP 401): authorization failed: check NEON_API_KEY",
    );
    expect((error as Error).message).not.toContain("napi_secret");
  });

  test("a prod stack without the Neon outputs is named in the error", async () => {
    const { options } = setup({ primaryStack: new FakeStackDriver("acme/bloom-dr/prod", {}) });
    await expect(CloudPlatform.open({ branches: true, standby: false }, "pitr", options)).rejects.toThrow(
      'stack acme/bloom-dr/prod has no output "neonProjectId": run pulumi up on the prod stack or set NEON_PROJECT_ID',
    );
  });

  test("losePrimary deletes the working branch's endpoint only", async () => {
    const { neon, options } = setup();
    const platform = await CloudPlatform.open({ branches: false, standby: false }, "failover", options);
    await platform.losePrimary();
    expect(neon.deleteProjectEndpoint.mock.calls).toEqual([["proj-bloom", "ep-1"]]);
    await platform.dispose();
  });
});

describe("cloud platform: the DR stack's standby", () => {
  let rds: LocalCluster; // stands in for the RDS instance: the platform really connects to it
  beforeAll(async () => {
    rds = await LocalCluster.create({ name: "fake-rds" });
  });
  afterAll(async () => {
    await rds?.destroy();
  });

  function standbySetup(extra: Partial<CloudPlatformOptions> = {}, drConfig?: Record<string, string>) {
    const drOutputs = {
      failoverAddress: "127.0.0.1",
      failoverPort: rds.port,
      failoverMasterSecretArn: "arn:aws:secretsmanager:us-east-1:123:secret:rds-master",
    };
    const s = setup({ standbySslMode: "disable", ...extra }, drOutputs, drConfig);
    s.readSecret.mockResolvedValue(JSON.stringify({ username: "postgres", password: rds.password }));
    return s;
  }

  test("standby: failover.mode=standby and drill.scenario set, up, a fresh database; afterwards the config is put back", async () => {
    const { dr, readSecret, options } = standbySetup();
    const platform = await CloudPlatform.open({ branches: false, standby: true }, "failover", options);
    expect(dr.calls).toEqual([
      // the refusal of an active stack reads first (twice: before the branch, and before the change)
      ["getConfig", "failover.mode"],
      ["outputs"],
      ["getConfig", "failover.mode"],
      ["outputs"],
      ["getConfig", "failover.mode"],
      ["getConfig", "drill.scenario"],
      ["setConfig", { "failover.mode": "standby", "drill.scenario": "failover" }],
      ["up", { "failover.mode": "standby", "drill.scenario": "failover" }],
    ]);
    expect(readSecret).toHaveBeenCalledWith("arn:aws:secretsmanager:us-east-1:123:secret:rds-master");
    const url = await platform.standbyUrl();
    expect(url).toBe(
      `postgresql://postgres:${encodeURIComponent(rds.password)}@127.0.0.1:${rds.port}/bloom_drill_failover_1?sslmode=disable`,
    );
    expect(await queryOne(url, "SELECT current_database() AS db")).toEqual({ db: "bloom_drill_failover_1" });
    dr.calls.length = 0;
    await platform.dispose();
    expect(dr.calls).toEqual([
      ["setConfig", { "failover.mode": "off" }],
      ["removeConfig", ["drill.scenario"]],
      ["up", { "failover.mode": "off" }],
    ]);
    expect(
      await queryOne(rds.url(), "SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'bloom_drill_%'"),
    ).toEqual({ n: 0 });
  });

  test.each([
    [
      "configured active (a failover about to be deployed)",
      { "failover.mode": "active" },
      {},
      "stack acme/bloom-dr/dr: failover.mode is active",
    ],
    [
      "deployed active by its last update",
      { "failover.mode": "standby" },
      { failoverMode: "active" },
      "stack acme/bloom-dr/dr: its last update deployed failover.mode active",
    ],
  ])("a dr stack %s is refused before anything changes", async (_label, drConfig, drOutputs, start) => {
    const { neon, client } = mockNeon({ createdAt: CREATED });
    const dr = new FakeStackDriver("acme/bloom-dr/dr", { primaryStack: "acme/bloom-dr/prod", ...drOutputs }, drConfig);
    const options: CloudPlatformOptions = {
      neon: client,
      primaryStack: new FakeStackDriver("acme/bloom-dr/prod", PROD_OUTPUTS),
      drStack: dr,
      readSecret: jest.fn(async () => "{}"),
      now: () => NOW,
    };
    const error = await CloudPlatform.open({ branches: false, standby: true }, "failover", options).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toBe(
      `${start} (a failover serves or is about to serve the app); a cloud drill would switch it to standby, whose scheduled restore wipes that database: run the drill against another dr stack (--stack) or after failing back`,
    );
    // read only: no config written, no update, no Neon branch
    expect(dr.calls.map(([call]) => call).filter((call) => call !== "getConfig" && call !== "outputs")).toEqual([]);
    expect(dr.config).toEqual(drConfig);
    expect(neon.createProjectBranch).not.toHaveBeenCalled();
  });

  test("a drill that needs no standby does not look at the dr stack", async () => {
    const { dr, options } = standbySetup({}, { "failover.mode": "active" });
    const platform = await CloudPlatform.open({ branches: true, standby: false }, "pitr", options);
    expect(dr.calls).toEqual([]);
    await platform.dispose();
  });

  test("a dedicated drill stack is destroyed instead", async () => {
    const { dr, options } = standbySetup({ destroyDrStack: true });
    const platform = await CloudPlatform.open({ branches: false, standby: true }, "restore", options);
    dr.calls.length = 0;
    await platform.dispose();
    expect(dr.calls).toEqual([["destroy"]]);
  });

  test("a failed up still puts the stack config back and removes the working branch", async () => {
    const { dr, neon, options } = standbySetup();
    jest.spyOn(dr, "up").mockRejectedValueOnce(new Error("pulumi up failed: quota"));
    await expect(CloudPlatform.open({ branches: false, standby: true }, "failover", options)).rejects.toThrow(
      "pulumi up failed: quota",
    );
    expect(dr.config).toEqual({ "failover.mode": "off" });
    expect(neon.deleteProjectBranch).toHaveBeenCalledWith({ projectId: "proj-bloom", branchId: "br-working" });
  });
});

describe("platformFactory for --platform cloud", () => {
  const loadStack = (stacks: Record<string, FakeStackDriver>) =>
    jest.fn(async (name: string) => {
      if (!stacks[name]) throw new Error(`no stack ${name}`);
      return stacks[name];
    });

  test("needs --stack", async () => {
    await expect(
      platformFactory(
        "cloud",
        {},
        { stack: "", workDir: ".", destroyDrStack: false, loadStack: loadStack({}), env: {} },
      ),
    ).rejects.toThrow("--platform cloud needs --stack NAME (the DR stack, e.g. dr-staging)");
  });

  test("needs NEON_API_KEY", async () => {
    await expect(
      platformFactory(
        "cloud",
        {},
        { stack: "dr", workDir: ".", destroyDrStack: false, loadStack: loadStack({}), env: {} },
      ),
    ).rejects.toThrow(
      "--platform cloud needs NEON_API_KEY in the environment (a Neon API key with access to the project)",
    );
  });

  test("finds the prod stack from the DR stack's primaryStack output and opens through it", async () => {
    const { client, neon } = mockNeon({ createdAt: CREATED });
    const dr = new FakeStackDriver("dr", { primaryStack: "acme/bloom-dr/prod" });
    const prod = new FakeStackDriver("acme/bloom-dr/prod", PROD_OUTPUTS);
    const load = loadStack({ dr, "acme/bloom-dr/prod": prod });
    const factory = await platformFactory(
      "cloud",
      {},
      {
        stack: "dr",
        workDir: "/project",
        destroyDrStack: false,
        loadStack: load,
        env: { NEON_API_KEY: "napi_x", NEON_PROJECT_ID: "proj-env" },
        overrides: { neon: client },
      },
    );
    expect(load.mock.calls).toEqual([
      ["dr", "/project"],
      ["acme/bloom-dr/prod", "/project"],
    ]);
    const platform = await factory({ branches: true, standby: false }, "pitr");
    expect(platform.name).toBe("cloud");
    expect(neon.createProjectBranch.mock.calls[0][0]).toBe("proj-env");
    await platform.dispose();
  });
});

test.each([
  [86_400, "24 h"],
  [604_800, "168 h"],
  [5_400, "90 min"],
  [30, "30 s"],
])("formatRetention(%i) = %s", (seconds, text) => {
  expect(formatRetention(seconds)).toBe(text);
});
