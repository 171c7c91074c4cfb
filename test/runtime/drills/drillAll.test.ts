/**
 * `bloom-dr drill all` as a user runs it: the CLI as a child process on the local platform, every
 * drill passing, both report files written, nothing of the drills left behind.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { processesUnder } from "../platform/leftovers";
import { lines, startCli } from "../cli/runCli";
import { makeParent, removeParent, TEST_SCALE } from "./harness";

let parent: string;

beforeAll(() => {
  parent = makeParent("drill-all");
});

afterAll(() => {
  if (parent) removeParent(parent);
});

test("drill all --json: exit 0, pitr, restore and failover passed, drill-<time>.md and .json in --reports", async () => {
  const reports = path.join(parent, "reports");
  // the drills' clusters and scratch files go under the OS temp dir: point it at our parent
  const run = await startCli(["drill", "all", "--scale", String(TEST_SCALE), "--reports", reports, "--json"], {
    ...process.env,
    TMPDIR: parent,
  }).done;
  expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ code: 0, stderr: "" });

  expect(lines(run.stdout)).toHaveLength(1);
  const result = JSON.parse(run.stdout);
  expect(result.ok).toBe(true);
  expect(result.report.drills.map((d: { name: string; passed: boolean }) => [d.name, d.passed])).toEqual([
    ["pitr", true],
    ["restore", true],
    ["failover", true],
  ]);

  const written = readdirSync(reports).sort();
  expect(written).toHaveLength(2);
  const stem = path.basename(result.files.json, ".json");
  expect(stem).toMatch(/^drill-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
  expect(written).toEqual([`${stem}.json`, `${stem}.md`]);
  expect(result.files).toEqual({
    json: path.join(reports, `${stem}.json`),
    markdown: path.join(reports, `${stem}.md`),
  });
  expect(JSON.parse(readFileSync(result.files.json, "utf8"))).toEqual(result.report);
  const markdown = readFileSync(result.files.markdown, "utf8");
  for (const name of ["pitr", "restore", "failover"]) expect(markdown).toContain(name);

  // the drills tore down their clusters and scratch directories: only the reports remain (the
  // CLI's compile cache lives in node_modules/.cache, not in the temp dir)
  expect(readdirSync(parent)).toEqual(["reports"]);
  expect(processesUnder(parent)).toEqual([]);
});
