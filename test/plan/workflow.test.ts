/** The CI workflows run what docs/policies.md and the README promise, with the credentials they need. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "./support/runPlanCli";

const yaml = require("js-yaml") as { load(text: string): any };

interface Step {
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

const load = (file: string) => yaml.load(readFileSync(path.join(ROOT, ".github/workflows", file), "utf8"));
const workflow = load("dr-preview.yml");
const drills = load("drills.yml");
const runs = (steps: Step[]) => steps.filter((s) => s.run).map((s) => s.run!.trim());
const awsSteps = (steps: Step[]) => steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"));

/** OIDC first: the role when the variable is set, static keys only when it is not. */
function expectOidcWithStaticFallback(steps: Step[]) {
  const [oidc, keys] = awsSteps(steps);
  expect(awsSteps(steps)).toHaveLength(2);
  expect(oidc.if).toBe("vars.AWS_ROLE_ARN != ''");
  expect(oidc.with).toMatchObject({ "role-to-assume": "${{ vars.AWS_ROLE_ARN }}" });
  expect(oidc.with).not.toHaveProperty("aws-access-key-id");
  expect(keys.if).toBe("vars.AWS_ROLE_ARN == ''");
  expect(keys.with).toMatchObject({
    "aws-access-key-id": "${{ secrets.AWS_ACCESS_KEY_ID }}",
    "aws-secret-access-key": "${{ secrets.AWS_SECRET_ACCESS_KEY }}",
  });
  expect(keys.with).not.toHaveProperty("role-to-assume");
}

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
    expect(preview.permissions["pull-requests"]).toBe("write");
  });

  test("the preview passes the Pulumi token and NEON_API_KEY (prod's Neon provider reads it)", () => {
    const pulumi: Step = workflow.jobs.preview.steps.find((s: Step) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi.env).toEqual({
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      NEON_API_KEY: "${{ secrets.NEON_API_KEY }}",
    });
  });

  test("AWS credentials come from an OIDC role when AWS_ROLE_ARN is set, static keys only as the fallback", () => {
    expect(workflow.jobs.preview.permissions["id-token"]).toBe("write");
    expectOidcWithStaticFallback(workflow.jobs.preview.steps);
  });

  test("credential detection needs the Pulumi token, the Neon key and a role or both keys", () => {
    const detect: Step = workflow.jobs.credentials.steps[0];
    expect(Object.keys(detect.env ?? {}).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_ROLE_ARN",
      "AWS_SECRET_ACCESS_KEY",
      "NEON_API_KEY",
      "PULUMI_ACCESS_TOKEN",
    ]);
    expect(detect.env?.AWS_ROLE_ARN).toBe("${{ vars.AWS_ROLE_ARN }}");
  });

  test("the workflow says the preview needs Docker with buildx", () => {
    const text = readFileSync(path.join(ROOT, ".github/workflows/dr-preview.yml"), "utf8");
    expect(text).toMatch(/Docker with buildx/);
  });
});

describe(".github/workflows/drills.yml", () => {
  test("the cloud drills prefer an OIDC role over static keys", () => {
    expect(drills.jobs.cloud.permissions["id-token"]).toBe("write");
    expectOidcWithStaticFallback(drills.jobs.cloud.steps);
    expect(Object.keys(drills.jobs.credentials.steps[0].env).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_ROLE_ARN",
      "AWS_SECRET_ACCESS_KEY",
      "NEON_API_KEY",
      "PULUMI_ACCESS_TOKEN",
    ]);
  });
});
