import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CommandIO, UsageError } from "../../../runtime/cli/command";
import { drillCommand, parseDrillSelection, parsePlatform, parseScale } from "../../../runtime/cli/commands/drill";
import { parseDrillReport } from "../../../runtime/lib/incident/fromSources";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { lines, startCli } from "../cli/runCli";
import { leftovers, makeParent, NOTHING_LEFT, removeParent } from "./harness";

test.each([
  [undefined, ["pitr", "restore", "failover"]],
  ["all", ["pitr", "restore", "failover"]],
  ["pitr", ["pitr"]],
  ["failover", ["failover"]],
])("drill selection %s", (raw, names) => {
  expect(parseDrillSelection(raw)).toEqual(names);
});

test.each([
  [() => parseDrillSelection("backup"), 'unknown drill "backup": choose all, pitr, restore, failover'],
  [() => parsePlatform("aws"), '--platform must be local or cloud (got "aws")'],
  [() => parseScale("0"), '--scale must be a number above 0 and at most 100 (got "0")'],
  [() => parseScale("lots"), '--scale must be a number above 0 and at most 100 (got "lots")'],
])("usage errors are one line (%#)", (call, message) => {
  expect(call).toThrow(UsageError);
  expect(call).toThrow(message);
});

test.each([
  [undefined, 0.05],
  ["0.01", 0.01],
  ["2", 2],
])("scale %s → %d", (raw, scale) => {
  expect(parseScale(raw)).toBe(scale);
});

function captureIO() {
  const out: { data?: Record<string, unknown>; info: string[] } = { info: [] };
  const io: CommandIO = {
    json: true,
    interactive: false,
    progress: () => undefined,
    info: (t) => void out.info.push(t),
    result: (data) => void (out.data = data),
  };
  return { io, out };
}

describe("bloom-dr drill (command)", () => {
  let parent: string;
  let tmpdir: string | undefined;
  beforeAll(() => {
    parent = makeParent("drill-command");
    // everything the command creates goes under the OS temp dir: point it at our parent
    tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = parent;
  });
  afterAll(() => {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
    removeParent(parent);
  });

  test("drill pitr --json: exit 0, one JSON result, the report files written, nothing left behind", async () => {
    const teardowns = pendingTeardowns();
    const reports = path.join(parent, "reports");
    const { io, out } = captureIO();
    const code = await drillCommand.run({
      values: { platform: "local", scale: "0.01", reports },
      positionals: ["pitr"],
      io,
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const files = out.data!.files as { json: string; markdown: string };
    expect(out.data!.ok).toBe(true);
    expect(path.dirname(files.json)).toBe(reports);
    expect(path.basename(files.json)).toMatch(/^drill-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$/);
    expect(existsSync(files.markdown)).toBe(true);
    const report = JSON.parse(readFileSync(files.json, "utf8"));
    expect(report).toEqual(out.data!.report);
    expect(report).toMatchObject({
      platform: "local",
      scale: 0.01,
      drills: [{ name: "pitr", passed: true, expectedRtoMs: 1_800_000 }],
    });
    expect(Object.keys(report.drills[0]).sort()).toEqual([
      "details",
      "expectedRtoMs",
      "name",
      "passed",
      "rpoMs",
      "rtoMs",
      "steps",
    ]);
    // the contract with `bloom-dr postmortem`, which turns this file into a post-incident report
    expect(() => parseDrillReport(readFileSync(files.json, "utf8"), files.json)).not.toThrow();
    const left = leftovers(parent, teardowns);
    expect({ ...left, files: left.files.filter((f) => f !== "reports") }).toEqual(NOTHING_LEFT);
  });

  test("an interrupted run exits 1 and still writes its report", async () => {
    const controller = new AbortController();
    controller.abort(new Error("interrupted by SIGINT"));
    const { io, out } = captureIO();
    const code = await drillCommand.run({
      values: { platform: "local", scale: "0.01", reports: path.join(parent, "reports") },
      positionals: ["all"],
      io,
      signal: controller.signal,
    });
    expect(code).toBe(1);
    expect(out.data!.ok).toBe(false);
  });

  test("--platform cloud without --stack is a usage error, refused before anything runs", async () => {
    const { io } = captureIO();
    const run = drillCommand.run({
      values: { platform: "cloud" },
      positionals: ["pitr"],
      io,
      signal: new AbortController().signal,
    });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow("--platform cloud needs --stack NAME (the DR stack, e.g. dr-staging)");
  });

  test("bloom-dr drill --platform cloud without --stack: exit 2 and one line", async () => {
    const run = await startCli(["drill", "pitr", "--platform", "cloud"]).done;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual([
      "bloom-dr drill: --platform cloud needs --stack NAME (the DR stack, e.g. dr-staging)",
    ]);
  });
});
