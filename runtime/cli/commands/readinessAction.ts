/**
 * What `bloom-dr readiness` does once its options are checked; loaded by readiness.ts only when it
 * runs. The Pulumi part (automation/pulumiStackOutputs.ts) is loaded only for --stack.
 */
import path from "node:path";
import { contactsFile } from "../../lib/incident/contacts";
import { incidentDir } from "../../lib/incident/timeline";
import { awsReadinessClients } from "../../lib/readiness/aws";
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

export async function readiness(
  ctx: CommandContext,
  settings: { reportsDir?: string; contactsFile?: string; stackName?: string; pulumiDir: string },
): Promise<number> {
  const store = typeof ctx.values.store === "string" ? storeFromOptions(ctx, { existing: true }) : undefined;
  let stack: StackInput | undefined;
  if (settings.stackName) {
    ctx.io.progress(`readiness: reading the outputs of stack ${settings.stackName}…`);
    try {
      stack = { name: settings.stackName, outputs: await loadStackOutputs(settings.stackName, settings.pulumiDir) };
    } catch (err) {
      stack = { name: settings.stackName, error: (err as Error).message.split("\n")[0] };
    }
  }
  ctx.io.progress("readiness: checking…");
  const report = await checkReadiness({
    now: new Date(),
    store,
    reportsDir: settings.reportsDir,
    contactsFile: settings.contactsFile ?? contactsFile(incidentDir(undefined)),
    stack,
    aws: awsReadinessClients(),
    signal: ctx.signal,
  });
  const { ok, ...rest } = report;
  ctx.io.result({ ok, command: "readiness", ...rest }, renderReadiness(report));
  return report.ok ? 0 : 1;
}
