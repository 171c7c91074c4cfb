import { spawn } from "node:child_process";
import path from "node:path";
import { leftovers, makeParent, NOTHING_LEFT, removeParent } from "./harness";

/**
 * A real signal to a real process in the middle of a drill step: the cleanup registry and the
 * abort path together must leave no server running and no directory behind.
 */
const FIXTURE = path.join(__dirname, "fixtures", "drillUntilSignal.ts");
const ROOT = path.join(__dirname, "..", "..", "..");

let parent: string;
beforeAll(() => {
  parent = makeParent("signals");
});
afterAll(() => removeParent(parent));

function runUntil(
  drill: string,
  step: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", FIXTURE, drill], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: parent },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let sent = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && stdout.includes(`START ${step}\n`)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("close", (code, sig) => resolve({ code, signal: sig, stdout }));
  });
}

test.each([
  ["pitr", "branch at T (point-in-time recovery)", "SIGINT"],
  ["failover", "promote the newest backup into the standby", "SIGTERM"],
] as const)("%s drill, %s when %s arrives: nothing is left", async (drill, step, signal) => {
  const result = await runUntil(drill, step, signal);
  expect(result.stdout).toContain(`START ${step}`);
  expect(result.stdout).not.toContain("DONE true");
  const left = leftovers(parent, 0);
  // tsx keeps its compile cache in TMPDIR: not ours
  expect({ ...left, files: left.files.filter((f) => !f.startsWith("tsx-")) }).toEqual(NOTHING_LEFT);
  // it ended because of the signal (killed by it, or the abort path ran first and it exited)
  expect(result.signal === signal || result.code === 0).toBe(true);
});
