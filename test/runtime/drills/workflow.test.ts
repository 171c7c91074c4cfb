import { readFileSync } from "node:fs";
import path from "node:path";

const workflow = readFileSync(path.join(__dirname, "../../../.github/workflows/drills.yml"), "utf8");

test("the drills run on every pull request and quarterly on the 15th of Jan/Apr/Jul/Oct", () => {
  expect(workflow).toMatch(/^on:\n {2}pull_request:\n {2}schedule:\n(?: {4}#.*\n)* {4}- cron: "0 6 15 1,4,7,10 \*"$/m);
});

test("the local job installs PostgreSQL with apt, runs the drills locally and uploads reports/ even on failure", () => {
  expect(workflow).toContain("apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib");
  expect(workflow).toContain('node bin/bloom-dr.js drill "$DRILL" --platform local --reports reports');
  expect(
    workflow.match(
      /- name: Upload the drill reports\n {8}if: always\(\)\n {8}uses: actions\/upload-artifact@v6\n {8}with:\n {10}name: [^\n]+\n {10}path: reports\//g,
    ),
  ).toHaveLength(2);
});

test("the cloud job runs only when every credential it needs is configured", () => {
  for (const secret of ["NEON_API_KEY", "PULUMI_ACCESS_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
    expect(workflow).toContain(`${secret}: \${{ secrets.${secret} }}`);
  }
  expect(workflow).toContain("if: needs.credentials.outputs.available == 'true'");
  expect(workflow).toContain('--platform cloud --stack "$DR_STACK"');
  // user input reaches the shell only through the environment
  expect(workflow).not.toMatch(/run: .*\$\{\{ inputs\./);
});
