import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PulumiStackDriver, selectPulumiStack } from "../../automation/pulumiStackDriver";

jest.mock("@pulumi/pulumi/automation", () => ({
  LocalWorkspace: { selectStack: jest.fn(), createOrSelectStack: jest.fn() },
}));

/** The Stack methods the driver calls, as jest mocks. */
function fakeStack() {
  return {
    name: "acme/bloom-dr/dr",
    outputs: jest.fn(async () => ({
      failoverAddress: { value: "db.internal", secret: false },
      failoverMasterSecretArn: { value: "arn:x", secret: true },
    })),
    getConfig: jest.fn(async (key: string) => {
      if (key === "bloom-dr:failover.mode") return { value: "off", secret: false };
      throw new Error(`code: 255\n stderr: error: configuration key '${key}' not found for stack 'dr'`);
    }),
    setConfig: jest.fn(async () => undefined),
    removeConfig: jest.fn(async () => undefined),
    up: jest.fn(async () => ({
      outputs: { failoverAddress: { value: "standby.internal", secret: false } },
      summary: {},
    })),
    destroy: jest.fn(async () => ({ summary: {} })),
  };
}

const workspace = LocalWorkspace as unknown as { selectStack: jest.Mock; createOrSelectStack: jest.Mock };

beforeEach(() => {
  workspace.selectStack.mockReset();
  workspace.createOrSelectStack.mockReset();
});

test("selects an existing stack of the project directory", async () => {
  const stack = fakeStack();
  workspace.selectStack.mockResolvedValue(stack);
  const driver = await selectPulumiStack("acme/bloom-dr/dr", "/repo");
  expect(workspace.selectStack).toHaveBeenCalledWith({ stackName: "acme/bloom-dr/dr", workDir: "/repo" });
  expect(workspace.createOrSelectStack).not.toHaveBeenCalled();
  expect(driver.stackName).toBe("acme/bloom-dr/dr");
});

test("creates a dedicated drill stack when asked", async () => {
  workspace.createOrSelectStack.mockResolvedValue(fakeStack());
  await selectPulumiStack("dr-drill", "/repo", { create: true });
  expect(workspace.createOrSelectStack).toHaveBeenCalledWith({ stackName: "dr-drill", workDir: "/repo" });
});

test("a stack that cannot be selected is one line naming it and what to check", async () => {
  workspace.selectStack.mockRejectedValue(
    new Error("code: 255\n stdout: \n stderr: error: no stack named 'nope' found\n"),
  );
  await expect(selectPulumiStack("nope", "/repo")).rejects.toThrow(
    "cannot select Pulumi stack nope in /repo: stderr: error: no stack named 'nope' found: check `pulumi login`, the stack name and that the Pulumi CLI is installed",
  );
});

describe("PulumiStackDriver", () => {
  test("config by path in the bloom-dr namespace, never as secrets", async () => {
    const stack = fakeStack();
    const driver = new PulumiStackDriver(stack as unknown as Stack);
    expect(await driver.getConfig("failover.mode")).toBe("off");
    expect(await driver.getConfig("drill.scenario")).toBeUndefined();
    expect(stack.getConfig.mock.calls).toEqual([
      ["bloom-dr:failover.mode", true],
      ["bloom-dr:drill.scenario", true],
    ]);
    await driver.setConfig({ "failover.mode": "standby", "drill.scenario": "failover" });
    expect(stack.setConfig.mock.calls).toEqual([
      ["bloom-dr:failover.mode", { value: "standby", secret: false }, true],
      ["bloom-dr:drill.scenario", { value: "failover", secret: false }, true],
    ]);
    await driver.removeConfig(["drill.scenario"]);
    expect(stack.removeConfig.mock.calls).toEqual([["bloom-dr:drill.scenario", true]]);
  });

  test("other getConfig failures are not mistaken for an unset key", async () => {
    const stack = fakeStack();
    stack.getConfig.mockRejectedValueOnce(new Error("error: could not decrypt configuration value"));
    await expect(new PulumiStackDriver(stack as unknown as Stack).getConfig("failover.mode")).rejects.toThrow(
      "could not decrypt",
    );
  });

  test("outputs, up (streaming its output) and destroy", async () => {
    const stack = fakeStack();
    const driver = new PulumiStackDriver(stack as unknown as Stack);
    expect(await driver.outputs()).toEqual({
      failoverAddress: { value: "db.internal", secret: false },
      failoverMasterSecretArn: { value: "arn:x", secret: true },
    });
    const onOutput = jest.fn();
    expect(await driver.up(onOutput)).toEqual({ failoverAddress: { value: "standby.internal", secret: false } });
    expect(stack.up).toHaveBeenCalledWith({ onOutput });
    await driver.destroy(onOutput);
    expect(stack.destroy).toHaveBeenCalledWith({ onOutput });
  });
});
