/**
 * `npm run bench:pitr -- --scale N`: times point-in-time row recovery on the Bloom data set.
 * A copy of the database stands in for the PITR branch (CREATE DATABASE … TEMPLATE); every 20th
 * reservation is then deleted from the target with its payments, and the three ways back are
 * timed: `pitr recover` (dry run, then --apply), and `pitr export` + `pitr import --apply`.
 * Prints one line per step and writes bench/out/pitr-scale-N-<time>.json. Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { formatBytes, formatDuration } from "../runtime/lib/text/format";
import { LocalCluster } from "../runtime/lib/local/cluster";
import { exportRows } from "../runtime/lib/pitr/export";
import { importRows } from "../runtime/lib/pitr/import";
import { recoverRows } from "../runtime/lib/pitr/recover";
import { generate, parseScale } from "./generate";

const TABLES = ["clients", "reservations", "payments"];
const DELETE_EVERY_20TH_RESERVATION = `
  DELETE FROM payments WHERE reservation_id IN (SELECT id FROM reservations WHERE id % 20 = 0);
  DELETE FROM reservations WHERE id % 20 = 0`;

async function execute(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed<T>(label: string, steps: Record<string, number>, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  steps[label] = performance.now() - started;
  process.stderr.write(`${label.padEnd(28)} ${formatDuration(steps[label])}\n`);
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: "string" }, out: { type: "string" } } });
  const scale = parseScale(values.scale);
  const outDir = path.resolve(values.out ?? path.join(__dirname, "out"));
  const work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bench-pitr-"));
  const cluster = await LocalCluster.create({ name: "bench-pitr" });
  const steps: Record<string, number> = {};
  try {
    await execute(cluster.url(), "CREATE DATABASE bloom");
    const target = cluster.url("bloom");
    const generated = await generate(target, scale);
    process.stderr.write(
      `generated scale ${scale}: ${formatBytes(generated.bytes)} in ${formatDuration(generated.ms)}\n`,
    );
    await execute(cluster.url(), "CREATE DATABASE branch TEMPLATE bloom");
    const branch = cluster.url("branch");

    await execute(target, DELETE_EVERY_20TH_RESERVATION);
    const dryRun = await timed("pitr recover (dry run)", steps, () =>
      recoverRows({ fromUrl: branch, targetUrl: target, tables: TABLES, apply: false }),
    );
    const applied = await timed("pitr recover --apply", steps, () =>
      recoverRows({ fromUrl: branch, targetUrl: target, tables: TABLES, apply: true }),
    );

    await execute(target, DELETE_EVERY_20TH_RESERVATION);
    const file = path.join(work, "rows.sql");
    const exported = await timed("pitr export", steps, () =>
      exportRows({ fromUrl: branch, tables: TABLES, out: file }),
    );
    const imported = await timed("pitr import --apply", steps, () =>
      importRows({ file, targetUrl: target, apply: true }),
    );

    const report = {
      scale,
      databaseBytes: generated.bytes,
      missing: dryRun.tables.map((t) => ({ table: t.table, missing: t.missing })),
      inserted: applied.tables.map((t) => ({ table: t.table, inserted: t.inserted })),
      exportBytes: exported.bytes,
      imported: imported.tables,
      stepsMs: steps,
      machine: { cores: os.availableParallelism(), loadAverage: os.loadavg() },
    };
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `pitr-scale-${scale}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stderr.write(
      `missing rows recovered: ${applied.tables.reduce((n, t) => n + t.inserted, 0)}; export file ${formatBytes(exported.bytes)}; report ${outFile}\n`,
    );
  } finally {
    await cluster.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:pitr failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
