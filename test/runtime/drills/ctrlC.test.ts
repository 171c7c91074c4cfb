import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { DrillName } from "../../../runtime/lib/drills/types";
import { descendantsStartedSince, runningDescendants } from "../../support/processes";
import { interruptibleSteps, leftovers, makeParent, NOTHING_LEFT, removeParent, runLocalDrill } from "./harness";

/** Processes running before each test: only what the test's operation starts must be gone after it. */
let baseline: string[] = [];
beforeEach(() => {
  baseline = runningDescendants();
});

/**
 * Ctrl-C (the CLI aborts its signal on SIGINT) once a step's work is under way: the abort lands
 * on the next turn of the event loop after the step started, while its first query, program or
 * server start is in flight. Nothing may remain of any drill. (midStep.test.ts interrupts a step
 * at a chosen point of its work.)
 */
let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("ctrl-c");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

async function interruptWhileRunning(drill: DrillName, step: string): Promise<void> {
  const controller = new AbortController();
  let reached = false;
  const result = await runLocalDrill(drill, parent, {
    signal: controller.signal,
    onStep: (_d, s, state) => {
      if (s !== step || state !== "start") return;
      reached = true;
      setTimeout(() => controller.abort(new Error("interrupted by SIGINT")), 0);
    },
  });
  expect(reached).toBe(true);
  expect(result.passed).toBe(false);
  expect(result.details.failure).toMatch(/interrupted/);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
}

describe("Drill 1 (pitr)", () => {
  test.each([
    ...interruptibleSteps("pitr").slice(0, 2),
    "branch at T (point-in-time recovery)",
    "recover the missing rows from the branch",
    "validate: 50 back, nothing else changed",
  ])("Ctrl-C while running: %s", (step) => interruptWhileRunning("pitr", step));
});

describe("Drill 2 (restore)", () => {
  test.each(["back up to a temporary store", "restore the backup into a fresh target"])(
    "Ctrl-C while running: %s",
    (step) => interruptWhileRunning("restore", step),
  );
});

describe("Drill 3 (failover)", () => {
  test.each(["promote the newest backup into the standby", "fail back: restore into a fresh primary"])(
    "Ctrl-C while running: %s",
    (step) => interruptWhileRunning("failover", step),
  );
});
