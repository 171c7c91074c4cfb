import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { registerTeardown } from "../local/cleanupRegistry";
import { serverUser } from "../local/osUser";

/**
 * One temporary directory for everything a local platform creates (clusters, WAL archive, base
 * backup, backup store). Registered with the cleanup registry, so that it goes away on exit,
 * Ctrl-C or SIGTERM even when `dispose()` is never reached. Owned by the server user, who must
 * be able to reach the clusters inside it.
 */
export interface TempRoot {
  dir: string;
  dispose(): void;
}

export function createTempRoot(label: string, parent: string = os.tmpdir()): TempRoot {
  const dir = mkdtempSync(path.join(parent, `bloom-dr-${label}-`));
  serverUser().own(dir);
  let unregister: (() => void) | undefined = registerTeardown(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    dispose() {
      rmSync(dir, { recursive: true, force: true });
      unregister?.();
      unregister = undefined;
    },
  };
}
