import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const workflow = readFileSync(path.join(__dirname, "../../../.github/workflows/drills.yml"), "utf8");
// js-yaml is a dependency of @pulumi/pulumi; its types are not installed
const yaml = require("js-yaml") as { load(text: string): any };
const parsed = yaml.load(workflow);

/** The playbook's drill calendar: Drill 1 in Jan/Apr/Jul/Oct, each next drill the month after, on the 15th. */
const CALENDAR: [string, string][] = [
  ["0 6 15 1,4,7,10 *", "pitr"],
  ["0 6 15 2,5,8,11 *", "restore"],
  ["0 6 15 3,6,9,12 *", "failover"],
];

/** Runs the calendar job's step as Actions would (bash -e), with the event's environment; returns its output. */
function pickDrill(env: Record<string, string>): { status: number | null; output: string; stdout: string } {
  const step = parsed.jobs.calendar.steps.find((s: { id?: string }) => s.id === "pick");
  const dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-calendar-"));
  try {
    const outputFile = path.join(dir, "output");
    const run = spawnSync("bash", ["-e", "-c", step.run], {
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: outputFile, ...env },
      encoding: "utf8",
    });
    let output = "";
    try {
      output = readFileSync(outputFile, "utf8");
    } catch {
      // the step failed before writing its output
    }
    return { status: run.status, output, stdout: run.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the drills run on every pull request, on demand, and on the playbook's three drill days", () => {
  expect(Object.keys(parsed.on)).toEqual(["pull_request", "schedule", "workflow_dispatch"]);
  expect(parsed.on.schedule).toEqual(CALENDAR.map(([cron]) => ({ cron })));
});

test.each(CALENDAR)("the schedule %s runs the %s drill, locally and in the cloud", (cron, drill) => {
  expect(pickDrill({ EVENT: "schedule", SCHEDULE: cron, REQUESTED: "" })).toMatchObject({
    status: 0,
    output: `drill=${drill}\n`,
  });
});

test.each([
  [{ EVENT: "pull_request", SCHEDULE: "", REQUESTED: "" }, "all"],
  [{ EVENT: "workflow_dispatch", SCHEDULE: "", REQUESTED: "restore" }, "restore"],
  [{ EVENT: "workflow_dispatch", SCHEDULE: "", REQUESTED: "" }, "all"],
])("%o runs %s", (env, drill) => {
  expect(pickDrill(env)).toMatchObject({ status: 0, output: `drill=${drill}\n` });
});

test("a schedule missing from the calendar fails the run instead of running the wrong drill", () => {
  const run = pickDrill({ EVENT: "schedule", SCHEDULE: "0 6 15 * *", REQUESTED: "" });
  expect(run.status).toBe(1);
  expect(run.output).toBe("");
  expect(run.stdout).toBe('::error::schedule "0 6 15 * *" is not in the drill calendar\n');
});

test("both drill jobs run the drill the calendar picked", () => {
  expect(parsed.jobs.local.needs).toBe("calendar");
  expect(parsed.jobs.cloud.needs).toContain("calendar");
  const drillEnv = (job: string) =>
    parsed.jobs[job].steps.find((s: { run?: string }) => /bloom-dr\.js drill/.test(s.run ?? "")).env.DRILL;
  expect(drillEnv("local")).toBe("${{ needs.calendar.outputs.drill }}");
  expect(drillEnv("cloud")).toBe("${{ needs.calendar.outputs.drill }}");
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

test("only pull requests cancel a running drill run; a scheduled or dispatched drill is never cancelled", () => {
  expect(parsed.concurrency).toEqual({
    group: "drills-${{ github.event.pull_request.number || github.ref }}",
    "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
  });
  // and the cloud job's own group never cancels either
  expect(parsed.jobs.cloud.concurrency).toEqual({ group: "drills-cloud", "cancel-in-progress": false });
});
