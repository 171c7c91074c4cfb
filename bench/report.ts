/** Ratios, targets and the printed table of a benchmark run; pure. */
import { formatDuration, formatTable } from "../runtime/lib/text/format";

export interface BenchTimes {
  backup: number;
  readLimit: number;
  playbookBackup: number;
  restore: number;
  writeLimit: number;
  playbookRestore: number;
}

export interface Target {
  name: string;
  value: number;
  limit: number;
  unit: "×" | "MiB";
  met: boolean;
}

/** The targets (stated for scale 10 on a 2-core machine). */
export const TARGETS = {
  backupVsReadLimit: 1.2,
  backupVsPlaybook: 0.45,
  restoreVsWriteLimit: 1.1,
  restoreVsPlaybook: 0.8,
  peakRssMiB: 200,
} as const;

export function targets(times: BenchTimes, peakRssMiB: number): Target[] {
  const ratio = (name: string, a: number, b: number, limit: number): Target => ({
    name,
    value: a / b,
    limit,
    unit: "×",
    met: a / b <= limit,
  });
  return [
    ratio("backup / read limit", times.backup, times.readLimit, TARGETS.backupVsReadLimit),
    ratio("backup / playbook backup", times.backup, times.playbookBackup, TARGETS.backupVsPlaybook),
    ratio("restore / pg_restore limit", times.restore, times.writeLimit, TARGETS.restoreVsWriteLimit),
    ratio("restore / playbook restore", times.restore, times.playbookRestore, TARGETS.restoreVsPlaybook),
    {
      name: "peak RSS of bloom-dr",
      value: peakRssMiB,
      limit: TARGETS.peakRssMiB,
      unit: "MiB",
      met: peakRssMiB <= TARGETS.peakRssMiB,
    },
  ];
}

export function timesTable(times: BenchTimes, labels: Record<keyof BenchTimes, string>): string {
  const rows = [["MEASUREMENT", "TIME"]];
  for (const key of Object.keys(labels) as (keyof BenchTimes)[]) rows.push([labels[key], formatDuration(times[key])]);
  return formatTable(rows);
}

export function targetsTable(list: Target[]): string {
  const show = (t: Target, v: number) => (t.unit === "×" ? `${v.toFixed(2)}×` : `${v.toFixed(0)} MiB`);
  return formatTable([
    ["TARGET", "MEASURED", "LIMIT", ""],
    ...list.map((t) => [t.name, show(t, t.value), `≤ ${show(t, t.limit)}`, t.met ? "met" : "MISSED"]),
  ]);
}

/**
 * Each round's ratios: a round runs a method and its limit back to back, so they share the same
 * background load; on a shared machine these are steadier than ratios of separate bests.
 */
export function roundRatios(samples: Record<keyof BenchTimes, { ms: number }[]>): Record<string, number[]> {
  const per = (a: keyof BenchTimes, b: keyof BenchTimes) => samples[a].map((s, i) => s.ms / samples[b][i].ms);
  return {
    backupVsReadLimit: per("backup", "readLimit"),
    backupVsPlaybook: per("backup", "playbookBackup"),
    restoreVsWriteLimit: per("restore", "writeLimit"),
    restoreVsPlaybook: per("restore", "playbookRestore"),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
