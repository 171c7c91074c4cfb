/**
 * `bloom-dr readiness --stack`: a stack's outputs through the Pulumi Automation API. Outside
 * runtime/ (which never imports @pulumi); the CLI loads it only when --stack is given.
 */
import { StackOutputs } from "../runtime/lib/platform/stackDriver";
import { lastErrorLine, selectPulumiStack } from "./pulumiStackDriver";

/** Selects the stack of the project in `workDir` (never creates one) and reads its outputs, no update. */
export async function readPulumiStackOutputs(stackName: string, workDir: string): Promise<StackOutputs> {
  const stack = await selectPulumiStack(stackName, workDir);
  try {
    return await stack.outputs();
  } catch (err) {
    const reason = lastErrorLine(err);
    throw new Error(
      `cannot read the outputs of Pulumi stack ${stackName}: ${reason}: check \`pulumi login\` and the stack name`,
    );
  }
}
