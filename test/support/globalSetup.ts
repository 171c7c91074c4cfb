import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLUSTER_TEMPLATES_ENV } from "../../runtime/lib/local/clusterTemplate";
import shareFaketimeWithServerUser from "./shareFaketime";

/**
 * Jest global setup; test workers and every process they start inherit the environment it sets.
 * Every throwaway cluster of the run is copied from an initdb'd template in one directory, removed
 * by globalTeardown.ts: initdb's CPU-second per cluster was a tenth of the suite's time.
 */
export default function globalSetup(): void {
  shareFaketimeWithServerUser();
  // Under faketime (any invocation of it): libfaketime 0.9.10 holds one semaphore, shared by every
  // process it runs in, around each stat() it fakes, so a process the interrupt tests kill inside
  // one leaves it taken and every later process hangs. Everything the tests start inherits this
  // and keeps the kernel's file times; the clock the code reads is still faked.
  if (process.env.LD_PRELOAD?.includes("faketime")) process.env.NO_FAKE_STAT ??= "1";
  process.env[CLUSTER_TEMPLATES_ENV] ??= mkdtempSync(path.join(os.tmpdir(), "jest-cluster-templates-"));
}
