/** The benchmark's chart: backup and restore time and peak memory against the database's size. */
import { lineChart, Series } from "./chart";
import { Method, ScaleResult } from "./report";

const OURS = "#d62728";
const COLORS: Record<Method, string> = {
  readLimit: "#7f7f7f",
  stockCustom: "#1f77b4",
  stockDirectory: "#17becf",
  backup: OURS,
  playbookBackup: "#ff7f0e",
  stockRestore: "#1f77b4",
  restore: OURS,
  playbookRestore: "#ff7f0e",
};

type Sized = ScaleResult & { database?: unknown };

function sizeMiB(r: Sized): number {
  const db = r.database as { bytes?: number } | undefined;
  return (db?.bytes ?? r.scale * 100 * 1024 * 1024) / (1024 * 1024);
}

export function benchChart(results: Sized[], labels: Record<Method, string>, subtitle: string): string {
  const series = (method: Method): Series => ({
    name: labels[method],
    color: COLORS[method],
    dashed: method !== "backup" && method !== "restore",
    points: results.map((r) => ({ x: sizeMiB(r), y: r.times[method] / 1000 })),
  });
  return lineChart({
    title: "bloom-dr against PostgreSQL's tools and the playbook",
    subtitle,
    xLabel: "database size (MiB)",
    columns: 2,
    panels: [
      {
        title: "Backup",
        yLabel: "seconds (best of rounds)",
        series: (["backup", "stockCustom", "stockDirectory", "readLimit", "playbookBackup"] as Method[]).map(series),
      },
      {
        title: "Restore",
        yLabel: "seconds (best of rounds)",
        series: (["restore", "stockRestore", "playbookRestore"] as Method[]).map(series),
      },
      {
        title: "bloom-dr / stock tool (same artifact)",
        yLabel: "ratio (best of rounds)",
        series: [
          {
            name: "backup / pg_dump -Fc -Z1 -f FILE",
            color: OURS,
            points: results.map((r) => ({ x: sizeMiB(r), y: r.times.backup / r.times.stockCustom })),
          },
          {
            name: "restore / pg_restore -j of our artifact",
            color: "#9467bd",
            points: results.map((r) => ({ x: sizeMiB(r), y: r.times.restore / r.times.stockRestore })),
          },
          {
            name: "backup target: 0.95",
            color: OURS,
            dashed: true,
            points: results.map((r) => ({ x: sizeMiB(r), y: 0.95 })),
          },
          {
            name: "restore target: 1.05",
            color: "#9467bd",
            dashed: true,
            points: results.map((r) => ({ x: sizeMiB(r), y: 1.05 })),
          },
        ],
      },
      {
        title: "Peak memory of bloom-dr",
        yLabel: "MiB (RSS)",
        series: [
          { name: "backup", color: OURS, points: results.map((r) => ({ x: sizeMiB(r), y: r.peakRssMiB.backup })) },
          {
            name: "restore",
            color: "#9467bd",
            points: results.map((r) => ({ x: sizeMiB(r), y: r.peakRssMiB.restore })),
          },
          {
            name: "target: 200 MiB",
            color: "#2ca02c",
            dashed: true,
            points: results.map((r) => ({ x: sizeMiB(r), y: 200 })),
          },
        ],
      },
    ],
  });
}
