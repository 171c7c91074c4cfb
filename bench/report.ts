/** Ratios, targets and printed tables of a benchmark run at several scales; pure. */
import { formatDuration, formatTable } from "../runtime/lib/text/format";

/** Every method timed at one scale, in the order a round runs them. */
export const METHODS = [
  "readLimit",
  "stockCustom",
  "stockDirectory",
  "backup",
  "playbookBackup",
  "stockRestore",
  "restore",
  "playbookRestore",
] as const;
export type Method = (typeof METHODS)[number];
export type MethodTimes = Record<Method, number>;

/** How each method is named in tables and the chart (jobs: the -j of the stock parallel tools). */
export function methodLabels(jobs: number): Record<Method, string> {
  return {
    readLimit: "read limit: pg_dump -Fc -Z0 > /dev/null",
    stockCustom: "stock: pg_dump -Fc -Z1 -f FILE",
    stockDirectory: `stock: pg_dump -Fd -j${jobs} -Z1 -f DIR`,
    backup: "bloom-dr backup (defaults)",
    playbookBackup: "playbook: pg_dump | gzip > file",
    stockRestore: `stock: pg_restore -j${jobs} of our artifact`,
    restore: "bloom-dr restore (defaults)",
    playbookRestore: "playbook: gunzip | psql",
  };
}

/** The targets. */
export const TARGETS = {
  /** backup / stock pg_dump -Fc -Z1 -f FILE, at every scale ≥ 1. */
  backupVsStock: 0.95,
  /** backup / read limit, at scale 10. */
  backupVsReadLimit: 1.2,
  /** restore / stock pg_restore -j2 of the same artifact, at every scale. */
  restoreVsStock: 1.05,
  peakRssMiB: 200,
  /** "flat": the largest scale's peak RSS within this factor of the smallest scale's. */
  rssGrowth: 1.1,
} as const;

export interface Target {
  name: string;
  scale?: number;
  value: number;
  limit: number;
  unit: "×" | "MiB";
  met: boolean;
}

export interface ScaleResult {
  scale: number;
  times: MethodTimes;
  /** Per round: each method's time in that round (the same order as METHODS ran). */
  rounds: MethodTimes[];
  peakRssMiB: { backup: number; restore: number };
}

const ratio = (name: string, scale: number, a: number, b: number, limit: number): Target => ({
  name,
  scale,
  value: a / b,
  limit,
  unit: "×",
  met: a / b <= limit,
});

/** The targets that apply to each scale, then the memory targets across scales. */
export function targets(results: ScaleResult[]): Target[] {
  const out: Target[] = [];
  for (const r of results) {
    if (r.scale >= 1)
      out.push(
        ratio("backup / stock pg_dump -Fc -Z1", r.scale, r.times.backup, r.times.stockCustom, TARGETS.backupVsStock),
      );
    if (r.scale >= 10)
      out.push(ratio("backup / read limit", r.scale, r.times.backup, r.times.readLimit, TARGETS.backupVsReadLimit));
    out.push(
      ratio("restore / stock pg_restore", r.scale, r.times.restore, r.times.stockRestore, TARGETS.restoreVsStock),
    );
    const peak = Math.max(r.peakRssMiB.backup, r.peakRssMiB.restore);
    out.push({
      name: "peak RSS",
      scale: r.scale,
      value: peak,
      limit: TARGETS.peakRssMiB,
      unit: "MiB",
      met: peak <= TARGETS.peakRssMiB,
    });
  }
  if (results.length >= 2) {
    const bySize = [...results].sort((a, b) => a.scale - b.scale);
    const peak = (r: ScaleResult) => Math.max(r.peakRssMiB.backup, r.peakRssMiB.restore);
    const growth = peak(bySize[bySize.length - 1]) / peak(bySize[0]);
    out.push({
      name: `peak RSS scale ${bySize[bySize.length - 1].scale} / scale ${bySize[0].scale} (flat)`,
      value: growth,
      limit: TARGETS.rssGrowth,
      unit: "×",
      met: growth <= TARGETS.rssGrowth,
    });
  }
  return out;
}

/** Each round's ratios: a method and its reference ran back to back, under the same background load. */
export function roundRatios(rounds: MethodTimes[]): Record<string, number[]> {
  const per = (a: Method, b: Method) => rounds.map((r) => r[a] / r[b]);
  return {
    backupVsStockCustom: per("backup", "stockCustom"),
    backupVsStockDirectory: per("backup", "stockDirectory"),
    backupVsReadLimit: per("backup", "readLimit"),
    backupVsPlaybook: per("backup", "playbookBackup"),
    restoreVsStock: per("restore", "stockRestore"),
    restoreVsPlaybook: per("restore", "playbookRestore"),
  };
}

/** Best of each method over the rounds: on a shared machine the fastest run is the least disturbed. */
export function bestTimes(rounds: MethodTimes[]): MethodTimes {
  return Object.fromEntries(METHODS.map((m) => [m, Math.min(...rounds.map((r) => r[m]))])) as MethodTimes;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Methods down, scales across: best-of times. */
export function timesTable(results: ScaleResult[], labels: Record<Method, string>): string {
  return formatTable([
    ["BEST OF ROUNDS", ...results.map((r) => `scale ${r.scale}`)],
    ...METHODS.map((m) => [labels[m], ...results.map((r) => formatDuration(r.times[m]))]),
    [
      "peak RSS backup / restore",
      ...results.map((r) => `${r.peakRssMiB.backup.toFixed(0)} / ${r.peakRssMiB.restore.toFixed(0)} MiB`),
    ],
  ]);
}

export function targetsTable(list: Target[]): string {
  const show = (t: Target, v: number) => (t.unit === "×" ? `${v.toFixed(2)}×` : `${v.toFixed(0)} MiB`);
  return formatTable([
    ["TARGET", "SCALE", "BEST-OF", "LIMIT", ""],
    ...list.map((t) => [
      t.name,
      t.scale === undefined ? "" : String(t.scale),
      show(t, t.value),
      `≤ ${show(t, t.limit)}`,
      t.met ? "met" : "MISSED",
    ]),
  ]);
}

export function ratiosTable(results: ScaleResult[]): string {
  const rows = [["PER-ROUND RATIOS", "SCALE", "MEDIAN", "ROUNDS"]];
  for (const r of results) {
    for (const [name, values] of Object.entries(roundRatios(r.rounds)))
      rows.push([name, String(r.scale), `${median(values).toFixed(2)}×`, values.map((v) => v.toFixed(2)).join(", ")]);
  }
  return formatTable(rows);
}
