import { CLEANUP_STEP, PROVISION_STEP } from "../../../runtime/lib/drills/runDrills";
import { pitrDrill } from "../../../runtime/lib/drills/pitrDrill";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { openLocalPlatform } from "../../../runtime/lib/platform/local";
import { withClient } from "../../../runtime/lib/platform/sql";
import { findPostgresBinaries } from "../../../runtime/lib/postgres/binaries";
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
  parent = makeParent("pitr-drill");
  teardowns = pendingTeardowns();
});
afterAll(() => removeParent(parent));

test("Drill 1 passes: the 50 deleted reservations come back from a branch at T and nothing else changed", async () => {
  const seen: string[] = [];
  const result = await runLocalDrill("pitr", parent, { beforeStep: (_d, step) => void seen.push(step) });
  expect(result.details.failure).toBeUndefined();
  expect(result.passed).toBe(true);
  expect(result.steps.map((s) => s.name)).toEqual([PROVISION_STEP, ...pitrDrill.steps, CLEANUP_STEP]);
  expect(seen).toEqual(interruptibleSteps("pitr", ["drop the branch"]));
  expect(result.details).toMatchObject({
    deleted: { reservations: 50, clients: 50 },
    recovered: { reservations: 50, clients: 50 },
    changedTables: [],
    recoverRows: [
      { table: "public.clients", missing: 50, inserted: 50 },
      { table: "public.reservations", missing: 50, inserted: 50 },
    ],
  });
  expect(result.rtoMs).toBeGreaterThan(0);
  expect(result.rpoMs).toBeGreaterThanOrEqual(0);
  expect(result.expectedRtoMs).toBe(30 * 60_000);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

/** A platform whose branches are altered after creation, or whose primary changes meanwhile. */
function tampered(sql: { onBranch?: string; onPrimary?: string }) {
  return (platform: RecoveryPlatform): RecoveryPlatform => ({
    name: platform.name,
    primaryUrl: () => platform.primaryUrl(),
    standbyUrl: () => platform.standbyUrl(),
    losePrimary: () => platform.losePrimary(),
    dispose: () => platform.dispose(),
    branchAt: async (at, name, signal) => {
      const branch = await platform.branchAt(at, name, signal);
      if (sql.onBranch) await withClient(branch.url, (c) => c.query(sql.onBranch!));
      if (sql.onPrimary) await withClient(platform.primaryUrl(), (c) => c.query(sql.onPrimary!));
      return branch;
    },
  });
}

test.each([
  [
    "a reservation missing from the branch",
    { onBranch: "DELETE FROM reservations WHERE id = (SELECT max(id) FROM reservations)" },
    "recovered 49/50 reservations and 50/50 clients",
  ],
  [
    "another table changed on the primary",
    { onPrimary: "UPDATE clinics SET name = 'changed' WHERE id = 1" },
    "tables differ from before the deletion: public.clinics",
  ],
])("Drill 1 fails on %s", async (_label, sql, failure) => {
  const result = await runLocalDrill("pitr", parent, { openPlatform: localFactory(parent, tampered(sql)) });
  expect(result.passed).toBe(false);
  expect(result.details.failure).toBe(failure);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});

test("without PostgreSQL the drill fails at once with the install hint, and nothing is created", async () => {
  const nowhere = { PATH: "", BLOOM_DR_PG_BIN: `${parent}/no-such-bin` };
  const result = await runLocalDrill("pitr", parent, {
    openPlatform: (needs, _purpose, signal) =>
      openLocalPlatform(needs, {
        tempParent: parent,
        signal,
        findBinaries: (programs) => findPostgresBinaries(programs, { env: nowhere, debianRoot: `${parent}/no-debian` }),
      }),
  });
  expect(result.passed).toBe(false);
  expect(result.details.failure).toMatch(
    /^PostgreSQL programs not found \(initdb, pg_ctl, postgres, pg_basebackup\): install the PostgreSQL client and server \(Debian\/Ubuntu: apt-get install postgresql; .*\) or set BLOOM_DR_PG_BIN to its bin directory$/,
  );
  expect(result.steps).toEqual([
    expect.objectContaining({ name: "provision platform", error: result.details.failure }),
  ]);
  expect(leftovers(parent, teardowns)).toEqual(NOTHING_LEFT);
});
