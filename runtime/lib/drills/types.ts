import { PlatformName, PlatformNeeds, RecoveryPlatform } from "../platform/types";
import { StepTimer } from "./stepTimer";

export const DRILL_NAMES = ["pitr", "restore", "failover"] as const;
export type DrillName = (typeof DRILL_NAMES)[number];

export interface DrillStep {
  name: string;
  startedAt: string;
  durationMs: number;
  /** Set when the step threw (the drill stops there). */
  error?: string;
}

export interface DrillResult {
  name: DrillName;
  /** "replica": the failover drill from a logical replica (drill failover --replica). */
  variant?: "replica";
  passed: boolean;
  steps: DrillStep[];
  /** Incident (loss, deletion, corruption) to validated recovery; absent when it never recovered. */
  rtoMs?: number;
  /** Data at risk: incident time minus the newest recoverable point (branch time, backup snapshot). */
  rpoMs?: number;
  expectedRtoMs: number;
  /** The RPO the drill must stay under, where the playbook sets one (failover: 24 h). */
  expectedRpoMs?: number;
  /** What was checked and found; `failure` says why a drill did not pass. */
  details: Record<string, unknown> & { failure?: string };
}

/** The report written to reports/drill-<time>.json (and turned into a post-mortem elsewhere). */
export interface DrillReport {
  startedAt: string;
  finishedAt: string;
  platform: PlatformName;
  scale: number;
  drills: DrillResult[];
}

export interface DrillContext {
  platform: RecoveryPlatform;
  timer: StepTimer;
  /** Bloom data scale for an empty primary (1 ≈ 100 MB). */
  scale: number;
  /** SQL the failover drill runs on the restored standby (must return ≥ 1 row). */
  smokeQuery: string;
  signal?: AbortSignal;
  /** Temporary directory for the drill's backup store; removed by the runner. */
  workDir: string;
}

/** What a drill's own checks concluded (the runner adds timing and the RTO comparison). */
export interface DrillOutcome {
  passed: boolean;
  rpoMs?: number;
  details: Record<string, unknown>;
}

export interface DrillDefinition {
  name: DrillName;
  /** A variant of the playbook's drill, measured against its own limits (expectations.ts). */
  variant?: "replica";
  /** The playbook's title for it. */
  title: string;
  needs: PlatformNeeds;
  /** Step names in order (the runner adds "provision platform" first and "clean up" last). */
  steps: readonly string[];
  run(ctx: DrillContext): Promise<DrillOutcome>;
}
