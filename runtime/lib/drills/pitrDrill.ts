import { recoverRows } from "../pitr/recover";
import { queryOne, sleep } from "../platform/sql";
import { PITR_DRILL_RESERVATIONS } from "./expectations";
import {
  changedTables,
  countTestReservations,
  createTestReservations,
  deleteTestReservations,
  seedIfEmpty,
  tableDigests,
} from "./drillData";
import { DrillContext, DrillDefinition, DrillOutcome } from "./types";

const STEPS = [
  "seed the Bloom database",
  "create 50 reservations with their clients",
  "fingerprint every table and note T",
  "delete the 50 reservations (incident)",
  "branch at T (point-in-time recovery)",
  "recover the missing rows from the branch",
  "validate: 50 back, nothing else changed",
  "drop the branch",
] as const;

/**
 * Playbook Drill 1: 50 reservations deleted by accident, recovered from a branch at the time just
 * before the deletion, without overwriting anything. Passes when all 50 (and their clients) are
 * back and every table's fingerprint equals the one taken before the deletion.
 */
export const pitrDrill: DrillDefinition = {
  name: "pitr",
  title: "PITR recovery",
  needs: { branches: true, standby: false },
  steps: STEPS,
  async run({ platform, timer, scale, signal }: DrillContext): Promise<DrillOutcome> {
    const url = platform.primaryUrl();
    const seeded = await timer.step(STEPS[0], () => seedIfEmpty(url, scale));
    const created = await timer.step(STEPS[1], () => createTestReservations(url, PITR_DRILL_RESERVATIONS));
    const { before, at } = await timer.step(STEPS[2], async () => {
      const digests = await tableDigests(url);
      const { now } = await queryOne<{ now: Date }>(url, "SELECT clock_timestamp() AS now");
      // the deletion must commit strictly after T, on a clock with microseconds
      await sleep(20, signal);
      return { before: digests, at: now };
    });
    const deleted = await timer.step(STEPS[3], async () => {
      const result = await deleteTestReservations(url, created);
      return { ...result, at: timer.markIncident() };
    });
    const branch = await timer.step(STEPS[4], () => platform.branchAt(at, "pitr-drill", signal));
    try {
      const recovery = await timer.step(STEPS[5], () =>
        recoverRows({ fromUrl: branch.url, targetUrl: url, tables: ["clients", "reservations"], apply: true, signal }),
      );
      const { back, changed } = await timer.step(STEPS[6], async () => {
        const result = {
          back: await countTestReservations(url, created),
          changed: changedTables(before, await tableDigests(url)),
        };
        timer.markRecovered();
        return result;
      });
      const passed =
        back.reservations === PITR_DRILL_RESERVATIONS &&
        back.clients === PITR_DRILL_RESERVATIONS &&
        changed.length === 0;
      return {
        passed,
        // the branch lacks only what changed between T and the deletion
        rpoMs: Math.max(0, deleted.at - at.getTime()),
        details: {
          seeded: seeded.seeded,
          rows: seeded.rows,
          branchAt: at.toISOString(),
          deleted: { reservations: deleted.reservations, clients: deleted.clients },
          recovered: back,
          recoverRows: recovery.tables,
          changedTables: changed,
          ...(passed ? {} : { failure: failureReason(back, changed) }),
        },
      };
    } finally {
      await timer.record(STEPS[7], () => branch.dispose());
    }
  },
};

function failureReason(back: { reservations: number; clients: number }, changed: string[]): string {
  if (back.reservations !== PITR_DRILL_RESERVATIONS || back.clients !== PITR_DRILL_RESERVATIONS) {
    return `recovered ${back.reservations}/${PITR_DRILL_RESERVATIONS} reservations and ${back.clients}/${PITR_DRILL_RESERVATIONS} clients`;
  }
  return `tables differ from before the deletion: ${changed.join(", ")}`;
}
