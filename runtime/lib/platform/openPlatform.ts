import { CloudPlatformOptions, openCloudPlatform } from "./cloud";
import { LocalPlatformOptions, openLocalPlatform } from "./local";
import { createNeonClient } from "./neonBranches";
import { optionalOutput } from "./cloudOutputs";
import { StackDriverLoader } from "./stackDriver";
import { PlatformFactory, PlatformName } from "./types";
import { readAwsSecret } from "./awsSecrets";

export interface CloudSelection {
  /** The DR stack (--stack). */
  stack: string;
  /** The prod stack (--primary-stack); default the DR stack's primaryStack output. */
  primaryStack?: string;
  /** The Pulumi project directory (Pulumi.yaml); default the current directory. */
  workDir: string;
  destroyDrStack: boolean;
  loadStack: StackDriverLoader;
  env: NodeJS.ProcessEnv;
  onOutput?: (line: string) => void;
  /** Tests inject these; by default the real Neon client and Secrets Manager. */
  overrides?: Partial<Pick<CloudPlatformOptions, "neon" | "readSecret">>;
}

/** The platform factory for `--platform local|cloud`; cloud settings are checked before any drill runs. */
export async function platformFactory(
  name: PlatformName,
  local: LocalPlatformOptions,
  cloud?: CloudSelection,
): Promise<PlatformFactory> {
  if (name === "local") return (needs, _purpose, signal) => openLocalPlatform(needs, { ...local, signal });
  if (!cloud?.stack) throw new Error("--platform cloud needs --stack NAME (the DR stack, e.g. dr-staging)");
  const apiKey = cloud.env.NEON_API_KEY;
  if (!apiKey && !cloud.overrides?.neon)
    throw new Error(
      "--platform cloud needs NEON_API_KEY in the environment (a Neon API key with access to the project)",
    );
  const drStack = await cloud.loadStack(cloud.stack, cloud.workDir);
  const primaryStackName = cloud.primaryStack ?? optionalOutput(await drStack.outputs(), "primaryStack");
  if (!primaryStackName)
    throw new Error(`stack ${cloud.stack} has no output "primaryStack": pass --primary-stack NAME (the prod stack)`);
  const primaryStack = await cloud.loadStack(primaryStackName, cloud.workDir);
  const options: CloudPlatformOptions = {
    neon: cloud.overrides?.neon ?? createNeonClient(apiKey!),
    readSecret: cloud.overrides?.readSecret ?? readAwsSecret,
    primaryStack,
    drStack,
    projectId: cloud.env.NEON_PROJECT_ID || undefined,
    destroyDrStack: cloud.destroyDrStack,
    onOutput: cloud.onOutput,
  };
  return (needs, purpose, signal) => openCloudPlatform(needs, purpose, options, signal);
}
