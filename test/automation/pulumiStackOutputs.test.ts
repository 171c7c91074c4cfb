import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { readPulumiStackOutputs } from "../../automation/pulumiStackOutputs";

jest.mock("@pulumi/pulumi/automation", () => ({
  LocalWorkspace: { selectStack: jest.fn(), createOrSelectStack: jest.fn() },
}));

const workspace = LocalWorkspace as unknown as { selectStack: jest.Mock; createOrSelectStack: jest.Mock };

beforeEach(() => {
  workspace.selectStack.mockReset();
  workspace.createOrSelectStack.mockReset();
});

test("selects the existing stack (never creates one) and returns its outputs with their secret flags", async () => {
  const stack = {
    name: "acme/bloom-dr/prod",
    outputs: jest.fn(async () => ({
      sev1TopicArn: { value: "arn:aws:sns:us-east-2:1:sev1", secret: false },
      appDatabaseUrlSecretArn: { value: "arn:aws:secretsmanager:us-east-2:1:secret:app-x", secret: false },
      pooledConnectionUri: { value: "postgresql://app:pw@h/db", secret: true },
    })),
    up: jest.fn(),
    destroy: jest.fn(),
  };
  workspace.selectStack.mockResolvedValue(stack);
  expect(await readPulumiStackOutputs("acme/bloom-dr/prod", "/repo")).toEqual({
    sev1TopicArn: { value: "arn:aws:sns:us-east-2:1:sev1", secret: false },
    appDatabaseUrlSecretArn: { value: "arn:aws:secretsmanager:us-east-2:1:secret:app-x", secret: false },
    pooledConnectionUri: { value: "postgresql://app:pw@h/db", secret: true },
  });
  expect(workspace.selectStack).toHaveBeenCalledWith({ stackName: "acme/bloom-dr/prod", workDir: "/repo" });
  expect(workspace.createOrSelectStack).not.toHaveBeenCalled();
  expect(stack.up).not.toHaveBeenCalled();
  expect(stack.destroy).not.toHaveBeenCalled();
});

test("outputs that cannot be read: one line naming the stack and what to check", async () => {
  workspace.selectStack.mockResolvedValue({
    name: "prod",
    outputs: jest.fn(async () => {
      throw new Error("code: 255\n stdout: \n stderr: error: getting stack outputs: unauthorized\n");
    }),
  });
  await expect(readPulumiStackOutputs("prod", "/repo")).rejects.toThrow(
    "cannot read the outputs of Pulumi stack prod: stderr: error: getting stack outputs: unauthorized: check `pulumi login` and the stack name",
  );
});

test("a stack that cannot be selected keeps the selection error", async () => {
  workspace.selectStack.mockRejectedValue(new Error("code: 255\n stderr: error: no stack named 'nope' found\n"));
  await expect(readPulumiStackOutputs("nope", "/repo")).rejects.toThrow(
    "cannot select Pulumi stack nope in /repo: stderr: error: no stack named 'nope' found",
  );
});
