/**
 * What `bloom-dr readiness` does once its options are checked; loaded by readiness.ts only when it
 * runs. The Pulumi part (automation/pulumiStackOutputs.ts) is loaded only for --stack/--dr-stack.
 */
import path from "node:path";
import { contactsFile } from "../../lib/incident/contacts";
import { incidentDir } from "../../lib/incident/timeline";
import { awsReadinessClients, ReadinessAws } from "../../lib/readiness/aws";
import { checkReadiness } from "../../lib/readiness/checklist";
import { renderReadiness } from "../../lib/readiness/render";
import { StackInput, StackOutputsLoader } from "../../lib/readiness/stackChecks";
import { CommandContext } from "../command";
import { storeFromOptions } from "./storeOption";

/** The Automation API reader lives outside runtime/ (no @pulumi imports here). */
const loadStackOutputs: StackOutputsLoader = async (stackName, workDir) => {
  const modulePath = path.join(__dirname, "..", "..", "..", "automation", "pulumiStackOutputs");
  // require, not import(): under tsx a dynamic import() needs the ".ts" extension, require resolves it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readPulumiStackOutputs } = require(modulePath) as { readPulumiStackOutputs: StackOutputsLoader };
  return readPulumiStackOutputs(stackName, workDir);
};

export interface ReadinessSettings {
  reportsDir?: string;
  contactsFile?: string;
  stackName?: string;
  drStackName?: string;
  pulumiDir: string;
}

/** What the command reaches outside itself; tests pass fakes and loopback endpoints. */
export interface ReadinessDependencies {
  loadStackOutputs: StackOutputsLoader;
  aws: ReadinessAws;
  now: () => Date;
}

async function readStack(
  ctx: CommandContext,
  name: string | undefined,
  settings: ReadinessSettings,
  deps: ReadinessDependencies,
): Promise<StackInput | undefined> {
  if (!name) return undefined;
  ctx.io.progress(`readiness: reading the outputs of stack ${name}…`);
  try {
    return { name, outputs: await deps.loadStackOutputs(name, settings.pulumiDir) };
  } catch (err) {
    return { name, error: (err as Error).message.split("\n")[0] };
  }
}

export async function readiness(
  ctx: CommandContext,
  settings: ReadinessSettings,
  deps: ReadinessDependencies = { loadStackOutputs, aws: awsReadinessClients(), now: () => new Date() },
): Promise<number> {
  const store = typeof ctx.values.store === "string" ? storeFromOptions(ctx, { existing: true }) : undefined;
  const stack = await readStack(ctx, settings.stackName, settings, deps);
  const drStack = await readStack(ctx, settings.drStackName, settings, deps);
  ctx.io.progress("readiness: checking…");
  const report = await checkReadiness({
    now: deps.now(),
    store,
    reportsDir: settings.reportsDir,
    contactsFile: settings.contactsFile ?? contactsFile(incidentDir(undefined)),
    stack,
    drStack,
    aws: deps.aws,
    signal: ctx.signal,
  });
  const { ok, ...rest } = report;
  ctx.io.result({ ok, command: "readiness", ...rest }, renderReadiness(report));
  return report.ok ? 0 : 1;
}
