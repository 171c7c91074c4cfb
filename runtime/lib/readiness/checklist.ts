/**
 * `bloom-dr readiness`: the playbook's "Readiness Checklist" against real state. Each input that
 * is missing leaves its items NOT CHECKED (with what to give); nothing is assumed.
 */
import { BackupStore } from "../store/types";
import { ReadinessAws } from "./aws";
import { checkBackups } from "./backups";
import { checkContacts } from "./contactsCheck";
import { checkDrills } from "./drillReports";
import { checkRestoreTestMetric } from "./restoreTestMetric";
import { checkStack, StackInput } from "./stackChecks";
import { item, ReadinessItem, ReadinessReport } from "./types";

export interface ReadinessOptions {
  /** The clock: ages and "within the last quarter" are measured from it. */
  now: Date;
  store?: BackupStore;
  reportsDir?: string;
  contactsFile: string;
  /** The prod stack (--stack). */
  stack?: StackInput;
  /** The dr stack (--dr-stack): the scheduled restore test's metric. */
  drStack?: StackInput;
  aws: ReadinessAws;
  signal?: AbortSignal;
}

/** The playbook's item that no software here can see. */
const STATUS_PAGE = item(
  "playbook.statusPage",
  "status page configured",
  "NOT CHECKED",
  "outside bloom-dr: check the status page (and that on-call can post to it) by hand",
);

export function summarize(items: ReadinessItem[], now: Date): ReadinessReport {
  const counts = {
    pass: items.filter((i) => i.status === "PASS").length,
    fail: items.filter((i) => i.status === "FAIL").length,
    notChecked: items.filter((i) => i.status === "NOT CHECKED").length,
  };
  return { ok: counts.fail === 0, checkedAt: now.toISOString(), items, counts };
}

export async function checkReadiness(options: ReadinessOptions): Promise<ReadinessReport> {
  const [fresh, intact] = await checkBackups(options.store, options.now, options.signal);
  const [restoreTest, ...drills] = checkDrills(options.reportsDir, options.now);
  const stack = await checkStack(options.stack, options.aws);
  const restoreTestMetric = await checkRestoreTestMetric({
    prod: options.stack,
    dr: options.drStack,
    aws: options.aws,
    now: options.now,
  });
  const contacts = checkContacts(options.contactsFile);
  const items = [fresh, intact, restoreTest, ...drills, contacts, ...stack, restoreTestMetric, STATUS_PAGE];
  return summarize(items, options.now);
}
