import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { openLocalPlatform } from "../../../runtime/lib/platform/local";
import { descendantsStartedSince, isRunning, pidFrom, runningDescendants, waitUntil } from "../../support/processes";
import { hangingPgCtl } from "../local/hangingPgCtl";
import { leftovers, makeParent, NOTHING_LEFT, removeParent, runLocalDrill } from "./harness";

/** Processes running before each test: only what the test's operation starts must be gone after it. */
let baseline: string[] = [];
beforeEach(() => {
  baseline = runningDescendants();
});

/**
 * Drill 1 interrupted in the middle of its point-in-time branch: the branch's server is up and
 * replaying, and its `pg_ctl start` has not returned (a wrapper holds it, as a slow recovery
 * would). Ctrl-C must stop the server, pg_ctl and everything under it, and remove every file.
 */
const BRANCH_STEP = "branch at T (point-in-time recovery)";
let parent: string;
let wrapperDir: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("mid-step");
  wrapperDir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-mid-step-wrapper-"));
  teardowns = pendingTeardowns();
});
afterAll(() => {
  removeParent(parent);
  rmSync(wrapperDir, { recursive: true, force: true });
});

test("Ctrl-C while the branch's server is starting: the drill fails as interrupted and nothing is left", async () => {
  const hanging = hangingPgCtl(wrapperDir, "/branch-");
  const controller = new AbortController();
  let current = "";
  const running = runLocalDrill("pitr", parent, {
    signal: controller.signal,
    openPlatform: (needs, _purpose, signal) =>
      openLocalPlatform(needs, { tempParent: parent, signal, findBinaries: () => hanging.binaries }),
    onStep: (_drill, step, state) => {
      if (state === "start") current = step;
    },
  });
  await waitUntil("the branch's server runs while its pg_ctl start hangs", () => existsSync(hanging.postmasterPidFile));
  expect(current).toBe(BRANCH_STEP);
  const postmaster = pidFrom(hanging.postmasterPidFile);
  const helper = pidFrom(hanging.helperPidFile);
  expect(isRunning(postmaster)).toBe(true);
  controller.abort(new Error("interrupted by SIGINT"));
  const result = await running;

  expect(result.passed).toBe(false);
  expect(result.details.failure).toBe("interrupted by SIGINT");
  expect(result.steps.find((s) => s.name === BRANCH_STEP)?.error).toBe("interrupted by SIGINT");
  expect([postmaster, helper].filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});
