/**
 * The StackDriver of the cloud drills, over the Pulumi Automation API. It lives outside runtime/
 * because runtime/ never imports @pulumi (DESIGN.md); `bloom-dr drill --platform cloud` loads it
 * with a dynamic import, so the local platform and the Lambda bundle never load Pulumi.
 */
import { LocalWorkspace, OutputMap, Stack } from "@pulumi/pulumi/automation";
import { StackDriver, StackOutputs } from "../runtime/lib/platform/stackDriver";

/** The project's config namespace (Pulumi.yaml name). */
export const CONFIG_NAMESPACE = "bloom-dr";

/** The Automation API's errors carry the CLI's whole output; its last non-empty line is the reason. */
export function lastErrorLine(err: unknown): string {
  return (
    String((err as Error).message)
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? "unknown error"
  );
}

export function toStackOutputs(outputs: OutputMap): StackOutputs {
  const out: StackOutputs = {};
  for (const [key, { value, secret }] of Object.entries(outputs)) out[key] = { value, secret };
  return out;
}

export class PulumiStackDriver implements StackDriver {
  constructor(private readonly stack: Stack) {}

  get stackName(): string {
    return this.stack.name;
  }

  async outputs(): Promise<StackOutputs> {
    return toStackOutputs(await this.stack.outputs());
  }

  async getConfig(path: string): Promise<string | undefined> {
    try {
      return (await this.stack.getConfig(`${CONFIG_NAMESPACE}:${path}`, true)).value;
    } catch (err) {
      // the CLI reports an unset key as an error; for us it is "no previous value"
      if (/not found|no value|does not exist/i.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }

  async setConfig(values: Record<string, string>): Promise<void> {
    for (const [path, value] of Object.entries(values)) {
      await this.stack.setConfig(`${CONFIG_NAMESPACE}:${path}`, { value, secret: false }, true);
    }
  }

  async removeConfig(paths: string[]): Promise<void> {
    for (const path of paths) await this.stack.removeConfig(`${CONFIG_NAMESPACE}:${path}`, true);
  }

  async up(onOutput?: (line: string) => void): Promise<StackOutputs> {
    const result = await this.stack.up({ onOutput });
    return toStackOutputs(result.outputs);
  }

  async destroy(onOutput?: (line: string) => void): Promise<void> {
    await this.stack.destroy({ onOutput });
  }
}

/**
 * Selects an existing stack of the Pulumi project in `workDir` (Pulumi.yaml). With
 * `create`, a missing stack is created (a dedicated drill stack; configure it before `up`).
 */
export async function selectPulumiStack(
  stackName: string,
  workDir: string,
  options: { create?: boolean } = {},
): Promise<PulumiStackDriver> {
  const args = { stackName, workDir };
  try {
    const stack = options.create
      ? await LocalWorkspace.createOrSelectStack(args)
      : await LocalWorkspace.selectStack(args);
    return new PulumiStackDriver(stack);
  } catch (err) {
    const reason = lastErrorLine(err);
    throw new Error(
      `cannot select Pulumi stack ${stackName} in ${workDir}: ${reason}: check \`pulumi login\`, the stack name and that the Pulumi CLI is installed`,
    );
  }
}
