/** The CI preview workflow runs what docs/policies.md promises, in the order it promises. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "./support/runPlanCli";

const yaml = require("js-yaml") as { load(text: string): any };

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

const workflow = yaml.load(readFileSync(path.join(ROOT, ".github/workflows/dr-preview.yml"), "utf8"));
const runs = (steps: Step[]) => steps.filter((s) => s.run).map((s) => s.run!.trim());

describe(".github/workflows/dr-preview.yml", () => {
  test("runs on pull requests", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  });

  test("the offline job installs PostgreSQL, then npm ci, typecheck, tests and the plan of both stacks, with no secrets", () => {
    const steps: Step[] = workflow.jobs.offline.steps;
    const commands = runs(steps);
    const order = [
      commands.findIndex((c) => /apt-get install .*postgresql/.test(c)),
      commands.findIndex((c) => c.startsWith("npm ci")),
      commands.indexOf("npm run typecheck"),
      commands.indexOf("npm test"),
      commands.indexOf("npm run plan -- --stack prod"),
      commands.indexOf("npm run plan -- --stack dr"),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(JSON.stringify(workflow.jobs.offline)).not.toContain("secrets.");
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with?.["node-version-file"]).toBe(".nvmrc");
  });

  test("the preview job runs only with credentials, for prod and dr, with diff, the policy pack and a PR comment", () => {
    const preview = workflow.jobs.preview;
    expect(preview.needs).toEqual(["offline", "credentials"]);
    expect(preview.if).toBe("needs.credentials.outputs.available == 'true'");
    expect(preview.strategy.matrix.include.map((m: { stack: string }) => m.stack)).toEqual(["prod", "dr"]);
    const pulumi: Step = preview.steps.find((s: Step) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi.with).toMatchObject({
      command: "preview",
      diff: true,
      policyPacks: "policies",
      "comment-on-pr": true,
    });
    expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    expect(preview.permissions["pull-requests"]).toBe("write");
    const detect: Step = workflow.jobs.credentials.steps[0];
    expect(Object.keys(detect.env ?? {}).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "PULUMI_ACCESS_TOKEN",
    ]);
  });
});
