/**
 * `npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]`
 *
 * Runs the real Pulumi program offline (no CLI, no credentials) with the stack's YAML config,
 * prints every resource it would register and evaluates the policy pack over them. Exit 0:
 * no mandatory violation; 1: at least one; 2: the plan itself failed (bad arguments, config
 * rejected by the program). See docs/policies.md.
 */
import { parsePlanArgs } from "./plan/args";
import { renderJson, renderText } from "./plan/render";
import { runPlan } from "./plan/runPlan";

async function main(): Promise<number> {
  const args = parsePlanArgs(process.argv.slice(2));
  const { report, exitCode } = await runPlan(args);
  process.stdout.write(`${args.json ? JSON.stringify(renderJson(report), null, 2) : renderText(report)}\n`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    // Errors of the program itself (e.g. config validation) are shown as the program words them.
    process.stderr.write(`${message.startsWith("plan:") ? message : `plan: the program failed: ${message}`}\n`);
    process.exit(2);
  },
);
