import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLUSTER_TEMPLATES_ENV } from "../../runtime/lib/local/clusterTemplate";
import shareFaketimeWithServerUser from "./shareFaketime";

/**
 * Jest global setup. Every throwaway cluster of the run (test workers and the CLI processes they
 * start inherit the environment) is copied from an initdb'd template in one directory, removed by
 * globalTeardown.ts: initdb's CPU-second per cluster was a tenth of the suite's time.
 */
export default function globalSetup(): void {
  shareFaketimeWithServerUser();
  process.env[CLUSTER_TEMPLATES_ENV] ??= mkdtempSync(path.join(os.tmpdir(), "jest-cluster-templates-"));
}
