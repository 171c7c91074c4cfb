import { CLEANUP_STEP, PROVISION_STEP } from "../../../runtime/lib/drills/runDrills";
import { restoreDrill } from "../../../runtime/lib/drills/restoreDrill";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { interruptibleSteps, leftovers, makeParent, NOTHING_LEFT, removeParent, runLocalDrill } from "./harness";

let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("restore-drill");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

test("Drill 2 passes: corruption detected, the backup restored into a fresh target verifies clean with matching counts", async () => {
  const result = await runLocalDrill("restore", parent);
  expect(result.details.failure).toBeUndefined();
  expect(result.passed).toBe(true);
  expect(result.steps.map((s) => s.name)).toEqual([PROVISION_STEP, ...restoreDrill.steps, CLEANUP_STEP]);
  const details = result.details as Record<string, unknown> & {
    deleted: Record<string, number>;
    tables: Record<string, { expected: number; actual: number }>;
  };
  expect(Object.keys(details.deleted).sort()).toEqual(["clients", "clinics", "payments", "reservations", "users"]);
  expect(Object.values(details.deleted).every((n) => n >= 1)).toBe(true);
  expect(details.findingsBeforeRestore).toBeGreaterThan(0);
  expect(details.findingsAfterRestore).toEqual([]);
  expect(Object.values(details.tables).every((t) => t.expected === t.actual && t.expected > 0)).toBe(true);
  expect(result.rtoMs).toBeGreaterThan(0);
  expect(result.rpoMs).toBeGreaterThanOrEqual(0);
  expect(result.expectedRtoMs).toBe(60 * 60_000);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

describe("Drill 2 interrupted at each step leaves no cluster, process or directory", () => {
  test.each(interruptibleSteps("restore"))("injected failure before: %s", async (step) => {
    const result = await runLocalDrill("restore", parent, {
      beforeStep: (_d, s) => {
        if (s === step) throw new Error(`injected failure before ${s}`);
      },
    });
    expect(result.passed).toBe(false);
    expect(result.details.failure).toBe(`injected failure before ${step}`);
    expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
  });
});
