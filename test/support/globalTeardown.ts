import { rmSync } from "node:fs";
import { CLUSTER_TEMPLATES_ENV } from "../../runtime/lib/local/clusterTemplate";

/** Removes the cluster templates of globalSetup.ts. */
export default function globalTeardown(): void {
  const dir = process.env[CLUSTER_TEMPLATES_ENV];
  if (dir && dir.includes("jest-cluster-templates-")) rmSync(dir, { recursive: true, force: true });
}
