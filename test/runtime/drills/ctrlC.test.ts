import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { interruptibleSteps, leftovers, makeParent, NOTHING_LEFT, removeParent, runLocalDrill } from "./harness";

/**
 * Ctrl-C (the CLI aborts its signal on SIGINT) in the middle of the steps with long operations,
 * which receive the signal themselves: nothing may remain of any drill.
 */
let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("ctrl-c");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

describe("Drill 1 (pitr)", () => {
  test.each([
    ...interruptibleSteps("pitr").slice(0, 2),
    "branch at T (point-in-time recovery)",
    "recover the missing rows from the branch",
    "validate: 50 back, nothing else changed",
  ])("Ctrl-C while running: %s", async (step) => {
    const controller = new AbortController();
    const result = await runLocalDrill("pitr", parent, {
      signal: controller.signal,
      onStep: (_d, s, state) => {
        if (s === step && state === "start") controller.abort(new Error("interrupted by SIGINT"));
      },
    });
    expect(result.passed).toBe(false);
    expect(result.details.failure).toBe("interrupted by SIGINT");
    expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
  });
});

describe("Drill 2 (restore)", () => {
  test.each(["back up to a temporary store", "restore the backup into a fresh target"])(
    "Ctrl-C while running: %s",
    async (step) => {
      const controller = new AbortController();
      const result = await runLocalDrill("restore", parent, {
        signal: controller.signal,
        onStep: (_d, s, state) => {
          if (s === step && state === "start") controller.abort(new Error("interrupted by SIGINT"));
        },
      });
      expect(result.passed).toBe(false);
      expect(result.details.failure).toMatch(/interrupted/);
      expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
    },
  );
});

describe("Drill 3 (failover)", () => {
  test("Ctrl-C while restoring into the standby", async () => {
    const controller = new AbortController();
    const result = await runLocalDrill("failover", parent, {
      signal: controller.signal,
      onStep: (_d, s, state) => {
        if (s === "restore the newest backup into the standby" && state === "start")
          controller.abort(new Error("interrupted by SIGINT"));
      },
    });
    expect(result.passed).toBe(false);
    expect(result.details.failure).toMatch(/interrupted/);
    expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
  });
});
