/**
 * `npm run bench:format -- [--scales 0.05,0.1,0.3,1] [--repeat 5] [--jobs N]`: where the directory
 * form (pg_dump -Fd -jN, files staged as they finish) starts to beat one custom-format stream, to
 * set the size from which backups default to it (DIRECTORY_MIN_BYTES in runtime/lib/backup/plan.ts).
 * At each scale, rounds alternate `bloom-dr backup --format custom` and `--format directory` (the
 * CLI as users run it, into a local store), and report the catalog's size estimate that the default
 * decides on. Writes bench/out/format-<time>.json. Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LocalCluster } from "../runtime/lib/local/cluster";
import { formatBytes, formatDuration, formatTable } from "../runtime/lib/text/format";
import { generate, parseScale } from "./generate";
import { log, runCli, sql } from "./measure";
import { median } from "./report";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scales: { type: "string" },
      repeat: { type: "string" },
      jobs: { type: "string" },
      out: { type: "string" },
    },
  });
  const scales = (values.scales ?? "0.05,0.1,0.3,1").split(",").map((s) => parseScale(s.trim()));
  const repeat = Number(values.repeat ?? "5");
  const jobs = values.jobs ?? String(os.availableParallelism());
  const outDir = path.resolve(values.out ?? path.join(__dirname, "out"));
  const work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bench-format-"));
  const cluster = await LocalCluster.create({
    name: "bench-format",
    settings: { max_wal_size: "'4GB'", maintenance_work_mem: "'256MB'", shared_buffers: "'256MB'" },
  });
  const rows = [
    [
      "SCALE",
      "DATABASE",
      "ESTIMATE",
      "custom (best / median)",
      `directory -j${jobs} (best / median)`,
      "directory / custom (median of rounds)",
    ],
  ];
  const results: unknown[] = [];
  try {
    for (const scale of scales) {
      const db = `bloom_${String(scale).replace(".", "_")}`;
      await sql(cluster.url(), `CREATE DATABASE ${db}`);
      const src = cluster.url(db);
      const generated = await generate(src, scale);
      await sql(src, "VACUUM ANALYZE");
      const store = path.join(work, db);
      const times: Record<string, number[]> = { custom: [], directory: [] };
      for (let i = 1; i <= repeat; i++) {
        for (const format of i % 2 ? ["custom", "directory"] : ["directory", "custom"]) {
          log(`scale ${scale} round ${i}/${repeat}: ${format}`);
          const r = await runCli(["backup", "--db", src, "--store", store, "--format", format, "--jobs", jobs]);
          times[format].push(r.ms);
        }
      }
      const probe = await runCli(["backup", "--db", src, "--store", store, "--jobs", jobs]);
      const chosen = probe.result.format as string;
      const estimate = Number(probe.result.estimatedBytes ?? 0);
      const ratios = times.directory.map((d, i) => d / times.custom[i]);
      rows.push([
        String(scale),
        formatBytes(generated.bytes),
        `${formatBytes(estimate)} → ${chosen}`,
        `${formatDuration(Math.min(...times.custom))} / ${formatDuration(median(times.custom))}`,
        `${formatDuration(Math.min(...times.directory))} / ${formatDuration(median(times.directory))}`,
        `${median(ratios).toFixed(2)}× [${ratios.map((r) => r.toFixed(2)).join(", ")}]`,
      ]);
      results.push({
        scale,
        databaseBytes: generated.bytes,
        estimatedBytes: estimate,
        defaultFormat: chosen,
        times,
        ratios,
      });
      rmSync(store, { recursive: true, force: true });
      await sql(cluster.url(), `DROP DATABASE ${db}`);
    }
    const finishedAt = new Date().toISOString();
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `format-${finishedAt.replace(/[:.]/g, "-")}.json`);
    writeFileSync(
      outFile,
      `${JSON.stringify({ command: `npm run bench:format -- --scales ${scales.join(",")} --repeat ${repeat}`, jobs, results, loadAtEnd: os.loadavg(), finishedAt }, null, 2)}\n`,
    );
    process.stdout.write(
      `${formatTable(rows)}\n\nload average at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}\nwritten: ${path.relative(process.cwd(), outFile)}\n`,
    );
  } finally {
    await cluster.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench/format: ${err.message}\n`);
  process.exitCode = 1;
});
