import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_SMOKE_QUERY } from "../../../runtime/lib/drills/expectations";
import { drillDefinition, DRILLS, runDrill, RunDrillsOptions } from "../../../runtime/lib/drills/runDrills";
import { DrillName, DrillResult } from "../../../runtime/lib/drills/types";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { openLocalPlatform } from "../../../runtime/lib/platform/local";
import { PlatformFactory, RecoveryPlatform } from "../../../runtime/lib/platform/types";
import { withClient } from "../../../runtime/lib/platform/sql";
import { asRole } from "../../support/roles";
import { processesUnder } from "../platform/leftovers";

/** Scale of the Bloom data in drill tests: a few hundred rows per table. */
export const TEST_SCALE = 0.01;

/** A parent directory for everything the drills create, so that leftovers are easy to see. */
export function makeParent(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bloom-dr-${label}-test-`));
  chmodSync(dir, 0o755); // the server user must reach the clusters inside
  return dir;
}

export function removeParent(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function localFactory(
  parent: string,
  wrap: (p: RecoveryPlatform) => RecoveryPlatform = (p) => p,
): PlatformFactory {
  return async (needs, _purpose, signal) => wrap(await openLocalPlatform(needs, { tempParent: parent, signal }));
}

/**
 * The local platform as production runs the drills' engine steps: every URL it hands out
 * connects as the database's owner role, not a superuser (Neon's owner role, the RDS master
 * user). The role owns the Bloom database on the primary, on the standby and on the fresh primary
 * a failover drill fails back into (branches copy the primary, role included). It may also set session_replication_role, which the restore drill's
 * corruption step (the simulated incident, not an engine step) uses to orphan rows.
 */
export function ownerRoleFactory(parent: string, role = "bloom_owner"): PlatformFactory {
  const owner = { name: role, password: `${role}-pw-${Math.random().toString(36).slice(2, 10)}` };
  const becomeOwner = (superuserUrl: string, grants: string) =>
    withClient(superuserUrl, async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '${owner.password}'`);
      await c.query(`ALTER DATABASE ${new URL(superuserUrl).pathname.slice(1)} OWNER TO ${role}; ${grants}`);
    });
  return async (needs, _purpose, signal) => {
    const platform = await openLocalPlatform(needs, { tempParent: parent, signal });
    try {
      await becomeOwner(platform.primaryUrl(), `GRANT SET ON PARAMETER session_replication_role TO ${role}`);
      let standby: Promise<string> | undefined;
      return {
        name: platform.name,
        primaryUrl: () => asRole(platform.primaryUrl(), owner),
        standbyUrl: () =>
          (standby ??= platform.standbyUrl().then(async (url) => {
            await becomeOwner(url, "");
            return asRole(url, owner);
          })),
        branchAt: async (at, name, s) => {
          const branch = await platform.branchAt(at, name, s);
          return { url: asRole(branch.url, owner), dispose: () => branch.dispose() };
        },
        losePrimary: () => platform.losePrimary(),
        freshPrimaryUrl: () =>
          platform.freshPrimaryUrl().then(async (url) => {
            await becomeOwner(url, "");
            return asRole(url, owner);
          }),
        dispose: () => platform.dispose(),
      };
    } catch (err) {
      await platform.dispose();
      throw err;
    }
  };
}

export function runLocalDrill(
  name: DrillName,
  parent: string,
  options: Partial<RunDrillsOptions> = {},
): Promise<DrillResult> {
  return runDrill(drillDefinition(name, options.replica === true), {
    platform: "local",
    openPlatform: localFactory(parent),
    scale: TEST_SCALE,
    smokeQuery: DEFAULT_SMOKE_QUERY,
    tempParent: parent,
    ...options,
  });
}

/** Nothing of a drill remains: no file under the parent, no process using it, no pending teardown. */
export function leftovers(
  parent: string,
  teardownsBefore: number,
): { files: string[]; processes: string[]; teardowns: number } {
  return {
    files: readdirSync(parent),
    processes: processesUnder(parent),
    teardowns: pendingTeardowns() - teardownsBefore,
  };
}

export const NOTHING_LEFT = { files: [], processes: [], teardowns: 0 };

/** The step names a drill's beforeStep hook sees, in order: the platform first, the drill's own (clean-up steps excluded). */
export function interruptibleSteps(name: DrillName, cleanupSteps: readonly string[] = []): string[] {
  return ["provision platform", ...DRILLS[name].steps.filter((s) => !cleanupSteps.includes(s))];
}
