import { createTempRoot } from "../platform/tempRoot";
import { PlatformFactory, PlatformName, RecoveryPlatform } from "../platform/types";
import { drillExpectations } from "./expectations";
import { failoverDrill } from "./failoverDrill";
import { failoverReplicaDrill } from "./failoverReplicaDrill";
import { pitrDrill } from "./pitrDrill";
import { restoreDrill } from "./restoreDrill";
import { StepHooks, StepTimer } from "./stepTimer";
import { DrillDefinition, DrillName, DrillReport, DrillResult } from "./types";

export const DRILLS: Record<DrillName, DrillDefinition> = {
  pitr: pitrDrill,
  restore: restoreDrill,
  failover: failoverDrill,
};

/** The drill to run for a name: the failover drill's replica variant when asked for. */
export function drillDefinition(name: DrillName, replica: boolean): DrillDefinition {
  return name === "failover" && replica ? failoverReplicaDrill : DRILLS[name];
}

export const PROVISION_STEP = "provision platform";
export const CLEANUP_STEP = "clean up";

/** Limits a drill is measured against; default the playbook's (PLAYBOOK_DRILLS). */
export interface DrillTargets {
  rtoMs?: number;
  rpoMs?: number;
}

export interface RunDrillsOptions extends StepHooks {
  platform: PlatformName;
  /** Per drill, limits other than the playbook's (a test sets them tight to see a drill fail on them). */
  targets?: Partial<Record<DrillName, DrillTargets>>;
  openPlatform: PlatformFactory;
  scale: number;
  smokeQuery: string;
  /** Parent of the drills' temporary directories; default the OS temp dir. */
  tempParent?: string;
  now?: () => Date;
  /** The failover drill from a logical replica instead of a backup (failover.mode replica). */
  replica?: boolean;
}

/**
 * Runs drills one after the other, each on a platform of its own (a failover drill stops its
 * primary; the next drill must not care). Everything a drill created is disposed of before the
 * next starts, whatever happened. An interrupted run stops after the drill it was in.
 */
export async function runDrills(names: readonly DrillName[], options: RunDrillsOptions): Promise<DrillReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const drills: DrillResult[] = [];
  for (const name of names) {
    if (options.signal?.aborted) break;
    drills.push(await runDrill(drillDefinition(name, options.replica === true), options));
  }
  return { startedAt, finishedAt: now().toISOString(), platform: options.platform, scale: options.scale, drills };
}

export async function runDrill(drill: DrillDefinition, options: RunDrillsOptions): Promise<DrillResult> {
  const timer = new StepTimer(drill.name, options);
  const targets = options.targets?.[drill.name] ?? {};
  const expected = drillExpectations(drill.name, drill.variant);
  const expectedRtoMs = targets.rtoMs ?? expected.expectedRtoMs;
  const expectedRpoMs = targets.rpoMs ?? expected.expectedRpoMs;
  const limits = { expectedRtoMs, ...(expectedRpoMs !== undefined ? { expectedRpoMs } : {}) };
  const work = createTempRoot(`${drill.name}-work`, options.tempParent);
  let platform: RecoveryPlatform | undefined;
  let result: DrillResult;
  try {
    platform = await timer.step(PROVISION_STEP, () => options.openPlatform(drill.needs, drill.name, options.signal));
    const outcome = await drill.run({
      platform,
      timer,
      scale: options.scale,
      smokeQuery: options.smokeQuery,
      signal: options.signal,
      workDir: work.dir,
    });
    // an interrupted drill never passes, even when its last step got to finish
    options.signal?.throwIfAborted();
    const rtoMs = timer.rtoMs();
    const withinRto = rtoMs !== undefined && rtoMs <= expectedRtoMs;
    const withinRpo = expectedRpoMs === undefined || (outcome.rpoMs !== undefined && outcome.rpoMs <= expectedRpoMs);
    const passed = outcome.passed && withinRto && withinRpo;
    const failure =
      (outcome.details.failure as string | undefined) ??
      (passed
        ? undefined
        : rtoMs === undefined
          ? "never recovered"
          : !withinRto
            ? `RTO ${rtoMs} ms is over the target of ${expectedRtoMs} ms`
            : outcome.rpoMs === undefined
              ? "no recovery point measured"
              : `RPO ${outcome.rpoMs} ms is over the target of ${expectedRpoMs} ms`);
    result = {
      name: drill.name,
      ...(drill.variant ? { variant: drill.variant } : {}),
      passed,
      steps: timer.steps,
      rtoMs,
      rpoMs: outcome.rpoMs,
      ...limits,
      details: { ...outcome.details, ...(failure ? { failure } : {}) },
    };
  } catch (err) {
    result = {
      name: drill.name,
      ...(drill.variant ? { variant: drill.variant } : {}),
      passed: false,
      steps: timer.steps,
      ...limits,
      details: { failure: err instanceof Error ? err.message : String(err) },
    };
  }
  // clean-up runs even after an abort: it is what an interrupt asks for
  try {
    if (platform) {
      const opened = platform;
      await timer.record(CLEANUP_STEP, () => opened.dispose());
    }
  } catch (err) {
    result.passed = false;
    result.details.failure ??= `clean-up failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    work.dispose();
  }
  return result;
}
