import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { interruptibleSteps, leftovers, makeParent, NOTHING_LEFT, removeParent, runLocalDrill } from "./harness";

let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("pitr-interrupt");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

describe("Drill 1 interrupted at each step leaves no cluster, process or directory", () => {
  test.each(interruptibleSteps("pitr", ["drop the branch"]))("injected failure before: %s", async (step) => {
    const result = await runLocalDrill("pitr", parent, {
      beforeStep: (_d, s) => {
        if (s === step) throw new Error(`injected failure before ${s}`);
      },
    });
    expect(result.passed).toBe(false);
    expect(result.details.failure).toBe(`injected failure before ${step}`);
    expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
  });
});
