import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { DRILL_APP_ROLE, FAILOVER_WRITES } from "../../../runtime/lib/drills/failoverDrill";
import { failoverReplicaDrill, WRITES_BEFORE_LOSS } from "../../../runtime/lib/drills/failoverReplicaDrill";
import { CLEANUP_STEP, PROVISION_STEP } from "../../../runtime/lib/drills/runDrills";
import { renderMarkdown, summaryRows } from "../../../runtime/lib/drills/report";
import { lines, startCli } from "../cli/runCli";
import { leftovers, makeParent, NOTHING_LEFT, removeParent, runLocalDrill } from "./harness";

/**
 * Drill 3 from a logical replica (drill failover --replica) on the local platform: the primary
 * writes logical WAL, the standby subscribes, the app writes while it replicates, the primary is
 * killed mid-write, promote takes the replica path. What must hold exactly: the rows the replica
 * lost are counted from the app's own record and are a tail of the commit order, the RPO follows
 * from them, the app inserts with ids from the sequences after promote, and fail-back keeps those
 * rows. How many rows are lost and how long anything takes is reported, not asserted.
 */
let parent: string;
let teardowns: number;
beforeAll(() => {
  parent = makeParent("replica-drill");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

test("the replica variant passes: killed mid-write, promoted from the replica, lost rows counted, sequences past every id, failed back", async () => {
  const result = await runLocalDrill("failover", parent, { replica: true });
  expect(result.details.failure).toBeUndefined();
  expect(result.passed).toBe(true);
  expect(result).toMatchObject({ name: "failover", variant: "replica", expectedRpoMs: 60_000 });
  expect(result.steps.map((s) => s.name)).toEqual([PROVISION_STEP, ...failoverReplicaDrill.steps, CLEANUP_STEP]);
  const details = result.details as Record<string, any>;
  expect(details.promote).toMatchObject({
    path: "replica",
    appRole: DRILL_APP_ROLE,
    source: "unreachable",
    slot: { name: "bloom_dr", dropped: false, reason: "the source is unreachable" },
  });
  const lost = details.lost;
  expect(lost.committed).toBe(details.writer.committed);
  expect(lost.committed).toBeGreaterThanOrEqual(WRITES_BEFORE_LOSS);
  expect(lost.onReplica + lost.missing).toBe(lost.committed);
  expect(lost.tailOnly).toBe(true);
  expect(result.rpoMs).toBe(lost.rpoMs);
  if (lost.missing === 0) expect(result.rpoMs).toBe(0);
  expect(details.writer.failure).toEqual(expect.any(String));
  expect(details.lag.samples).toHaveLength(5);
  expect(details.smoke).toMatchObject({ smokeRows: 1, smokeOk: true });
  expect(details.failback).toMatchObject({
    writesFound: { clients: FAILOVER_WRITES, reservations: FAILOVER_WRITES },
    matchesServingStandby: true,
    servingMarkerCarried: false,
  });
  expect(summaryRows({ startedAt: "", finishedAt: "", platform: "local", scale: 0.01, drills: [result] })[1][0]).toBe(
    "failover (replica)",
  );
  expect(
    renderMarkdown({ startedAt: "t", finishedAt: "t", platform: "local", scale: 0.01, drills: [result] }),
  ).toContain(
    "## Drill 3, replica variant: disaster recovery from a logical replica (failover to the replica, then fail-back): PASS",
  );
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

test("measured against its own RPO: a 0 ms target fails exactly when rows were lost", async () => {
  const result = await runLocalDrill("failover", parent, { replica: true, targets: { failover: { rpoMs: 0 } } });
  const lost = (result.details as Record<string, any>).lost;
  expect(result.passed).toBe(lost.missing === 0);
  if (lost.missing > 0) expect(result.details.failure).toMatch(/^RPO \d+ ms is over the target of 0 ms$/);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

describe("interrupted at each step, it leaves no cluster, process or directory", () => {
  test.each([PROVISION_STEP, ...failoverReplicaDrill.steps.slice(0, 6)])(
    "injected failure before: %s",
    async (step) => {
      const result = await runLocalDrill("failover", parent, {
        replica: true,
        beforeStep: (_d, s) => {
          if (s === step) throw new Error(`injected failure before ${s}`);
        },
      });
      expect(result.passed).toBe(false);
      expect(result.details.failure).toBe(`injected failure before ${step}`);
      expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
    },
  );
});

test.each([
  [
    ["drill", "pitr", "--replica"],
    "bloom-dr drill: --replica is a variant of the failover drill: run drill failover --replica (or all)",
  ],
  [
    ["drill", "failover", "--replica", "--platform", "cloud", "--stack", "dr"],
    "bloom-dr drill: --replica runs on the local platform only: in the cloud, failover.mode replica in the dr stack is the replica, and a failover drill promotes it",
  ],
])("%j is a usage error (exit 2), before anything runs", async (args, message) => {
  const run = await startCli(args).done;
  expect(run.code).toBe(2);
  expect(lines(run.stderr)).toEqual([message]);
});
