import { parsePlanArgs } from "../../scripts/plan/args";

describe("parsePlanArgs", () => {
  test.each([
    [["--stack", "prod"], { stack: "prod", json: false }],
    [["--stack=dr", "--json"], { stack: "dr", json: true }],
    [["-s", "dr", "--config", "x.yaml"], { stack: "dr", configFile: "x.yaml", json: false }],
    [["--stack", "prod", "--policy-config=p.json"], { stack: "prod", policyConfigFile: "p.json", json: false }],
    [["--stack", "dr", "--prod-config", "prod.yaml"], { stack: "dr", prodConfigFile: "prod.yaml", json: false }],
  ])("%j", (argv, expected) => {
    expect(parsePlanArgs(argv)).toEqual(expected);
  });

  test.each([
    [
      [],
      "plan: --stack is required; usage: npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]",
    ],
    [["--stack", "staging"], 'plan: --stack must be one of prod, dr (got "staging")'],
    [
      ["--stack"],
      "plan: --stack needs a value; usage: npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]",
    ],
    [
      ["--stack", "prod", "--config", "--json"],
      "plan: --config needs a value; usage: npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]",
    ],
    [
      ["--stack", "prod", "--preview"],
      'plan: unknown argument "--preview"; usage: npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]',
    ],
    [
      ["--stack", "prod", "--prod-config", "prod.yaml"],
      "plan: --prod-config shapes the prod outputs a dr stack reads; use it with --stack dr; usage: npm run plan -- --stack prod|dr [--config FILE] [--prod-config FILE] [--policy-config FILE] [--json]",
    ],
  ])("%j is rejected", (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(message);
  });
});
