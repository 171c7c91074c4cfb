import { CLEANUP_STEP, PROVISION_STEP } from "../../../runtime/lib/drills/runDrills";
import { DRILL_APP_ROLE, FAILOVER_WRITES, failoverDrill, smokeChecks } from "../../../runtime/lib/drills/failoverDrill";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { RecoveryPlatform } from "../../../runtime/lib/platform/types";
import {
  interruptibleSteps,
  leftovers,
  localFactory,
  makeParent,
  NOTHING_LEFT,
  removeParent,
  runLocalDrill,
} from "./harness";

let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("failover-drill");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

test("Drill 3 passes: primary lost, promote into the standby, the app writes as its role, fail-back keeps those writes; RTO and RPO measured", async () => {
  const result = await runLocalDrill("failover", parent);
  expect(result.details.failure).toBeUndefined();
  expect(result.passed).toBe(true);
  expect(result.steps.map((s) => s.name)).toEqual([PROVISION_STEP, ...failoverDrill.steps, CLEANUP_STEP]);
  expect(result.details).toMatchObject({
    promote: { path: "restored", appRole: DRILL_APP_ROLE },
    smoke: { countsMatch: true, mismatched: [], smokeRows: 1, smokeOk: true },
    failoverWrites: { clients: FAILOVER_WRITES, reservations: FAILOVER_WRITES },
    failback: {
      writesFound: { clients: FAILOVER_WRITES, reservations: FAILOVER_WRITES },
      matchesServingStandby: true,
      servingMarkerCarried: false,
    },
  });
  expect((result.details.failback as { backupId: string }).backupId).not.toBe(result.details.backupId);
  expect(Number((result.details.smoke as { smokeValue: string }).smokeValue)).toBeGreaterThan(0);
  const lostAt = Date.parse(result.details.lostAt as string);
  expect(result.rpoMs).toBe(lostAt - Date.parse(result.details.snapshotAt as string));
  expect(result.rtoMs).toBeGreaterThan(0);
  expect(result.expectedRtoMs).toBe(4 * 60 * 60_000);
  expect(result.expectedRpoMs).toBe(24 * 60 * 60_000);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

test.each([
  ["RTO", { rtoMs: 0 }, /^RTO \d+ ms is over the target of 0 ms$/],
  ["RPO", { rpoMs: 0 }, /^RPO \d+ ms is over the target of 0 ms$/],
])("a drill that misses its %s target fails, saying so", async (_what, targets, failure) => {
  const result = await runLocalDrill("failover", parent, { targets: { failover: targets } });
  expect(result.passed).toBe(false);
  expect(result.details.failure).toMatch(failure);
  expect(result.details.failback).toMatchObject({ servingMarkerCarried: false });
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

test("a smoke query that finds nothing fails the drill", async () => {
  const result = await runLocalDrill("failover", parent, {
    smokeQuery: "SELECT count(*) FROM reservations WHERE price < 0",
  });
  expect(result.passed).toBe(false);
  expect(result.details.failure).toBe("smoke query returned 1 row(s), first value 0");
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

test("an unreachable standby fails the drill with one line naming it, and leaves nothing behind", async () => {
  const unreachable = (p: RecoveryPlatform): RecoveryPlatform => ({
    name: p.name,
    primaryUrl: () => p.primaryUrl(),
    branchAt: (a, n, s) => p.branchAt(a, n, s),
    losePrimary: () => p.losePrimary(),
    dispose: () => p.dispose(),
    standbyUrl: async () => "postgresql://postgres:pw-not-shown@127.0.0.1:1/bloom",
  });
  const result = await runLocalDrill("failover", parent, { openPlatform: localFactory(parent, unreachable) });
  expect(result.passed).toBe(false);
  expect(result.details.failure).toMatch(/127\.0\.0\.1:1/);
  expect(result.details.failure).not.toContain("pw-not-shown");
  expect(result.details.failure).not.toContain("\n");
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

test("smokeChecks against an unreachable standby is one line with the password hidden", async () => {
  await expect(
    smokeChecks("postgresql://postgres:x@127.0.0.1:1/db", { "public.clients": 1 }, "SELECT 1"),
  ).rejects.toThrow(/^cannot connect to postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/db/);
});

describe("Drill 3 interrupted at each step leaves no cluster, process or directory", () => {
  test.each(interruptibleSteps("failover"))("injected failure before: %s", async (step) => {
    const result = await runLocalDrill("failover", parent, {
      beforeStep: (_d, s) => {
        if (s === step) throw new Error(`injected failure before ${s}`);
      },
    });
    expect(result.passed).toBe(false);
    expect(result.details.failure).toBe(`injected failure before ${step}`);
    expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
  });
});
