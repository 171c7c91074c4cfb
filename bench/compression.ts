/**
 * `npm run bench:compression -- --pg-bin DIR [--scale 3] [--repeat 3] [--jobs N] [--methods gzip:1,lz4:1,zstd:1,zstd:3]`:
 * how pg_dump's compression methods trade dump time, size and restore time on one Bloom database,
 * to choose the default (`backup --compress`). lz4 and zstd need pg_dump 16 or newer: point
 * --pg-bin at such a client (the server may be older). Each round times, per method, the
 * directory form (`pg_dump -Fd -jN`, what the engine runs from 32 MiB of data on), the custom form
 * (`pg_dump -Fc`, one stream), and what decompression costs a restore: `pg_restore -f /dev/null`
 * of the directory dump (every file read, decompressed and turned into SQL, without a server: a
 * pg_restore 17 cannot restore into an older server, whose parameters it sets).
 * Writes bench/out/compression-<time>.json. Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { compressionArg, compressionLabel, parseCompression } from "../runtime/lib/backup/compression";
import { parseToolVersion } from "../runtime/lib/backup/pgDump";
import { LocalCluster } from "../runtime/lib/local/cluster";
import { findPostgresBinaries } from "../runtime/lib/postgres/binaries";
import { libpqEnvironment } from "../runtime/lib/postgres/connectionUrl";
import { formatBytes, formatDuration, formatTable } from "../runtime/lib/text/format";
import { generate, parseScale } from "./generate";
import { log, run, sizeOf, sql } from "./measure";
import { median } from "./report";

interface Sample {
  directoryMs: number;
  customMs: number;
  restoreMs: number;
  directoryBytes: number;
  customBytes: number;
  load: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: "string" },
      repeat: { type: "string" },
      jobs: { type: "string" },
      methods: { type: "string" },
      "pg-bin": { type: "string" },
      out: { type: "string" },
    },
  });
  const scale = parseScale(values.scale ?? "3");
  const repeat = Number(values.repeat ?? "3");
  const jobs = Number(values.jobs ?? String(os.availableParallelism()));
  const env = values["pg-bin"] ? { ...process.env, BLOOM_DR_PG_BIN: path.resolve(values["pg-bin"]) } : process.env;
  const pg = findPostgresBinaries(["pg_dump", "pg_restore"], { env });
  const version = parseToolVersion((await run({ command: pg.path("pg_dump"), args: ["--version"] })).stdout);
  const methods = (
    values.methods ?? (pg.major >= 16 ? "gzip:1,gzip:6,lz4:1,zstd:1,zstd:3,zstd:6,none" : "gzip:1,gzip:6,none")
  )
    .split(",")
    .map((m) => parseCompression(m.trim()));
  const args = methods.map((m) => compressionArg(m, { version, path: pg.path("pg_dump") }));
  const outDir = path.resolve(values.out ?? path.join(__dirname, "out"));
  const work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bench-compression-"));
  const cluster = await LocalCluster.create({
    name: "bench-compression",
    settings: { max_wal_size: "'4GB'", maintenance_work_mem: "'256MB'", shared_buffers: "'256MB'" },
  });
  const samples: Record<string, Sample[]> = {};
  try {
    await sql(cluster.url(), "CREATE DATABASE bloom");
    const src = cluster.url("bloom");
    log(`generating scale ${scale}…`);
    const generated = await generate(src, scale);
    log(`${formatBytes(generated.bytes)}; pg_dump ${version} (${pg.dir})`);
    for (let round = 1; round <= repeat; round++) {
      for (const [i, method] of methods.entries()) {
        const label = compressionLabel(method);
        log(`round ${round}/${repeat}: ${label}`);
        const dir = path.join(work, "dump.dir");
        const file = path.join(work, "dump.custom");
        rmSync(dir, { recursive: true, force: true });
        const pgEnv = libpqEnvironment(src, env);
        const d = await run({
          command: pg.path("pg_dump"),
          args: ["-Fd", `-j${jobs}`, `--compress=${args[i]}`, "-f", dir],
          env: pgEnv,
        });
        const c = await run({
          command: pg.path("pg_dump"),
          args: ["-Fc", `--compress=${args[i]}`, "-f", file],
          env: pgEnv,
        });
        const r = await run({ command: pg.path("pg_restore"), args: ["-f", "/dev/null", dir], env });
        (samples[label] ??= []).push({
          directoryMs: d.ms,
          customMs: c.ms,
          restoreMs: r.ms,
          directoryBytes: sizeOf(dir),
          customBytes: sizeOf(file),
          load: r.load,
        });
      }
    }
    const best = (label: string, key: "directoryMs" | "customMs" | "restoreMs") =>
      Math.min(...samples[label].map((s) => s[key]));
    const rows = [
      [
        "METHOD",
        `pg_dump -Fd -j${jobs}`,
        "pg_dump -Fc",
        "SIZE",
        "pg_restore -f /dev/null",
        "dump -Fd + decompress",
        "vs gzip:1 (median of rounds)",
      ],
    ];
    const reference = samples["gzip:1"];
    for (const label of Object.keys(samples)) {
      const perRound = reference
        ? samples[label].map(
            (s, i) => (s.directoryMs + s.restoreMs) / (reference[i].directoryMs + reference[i].restoreMs),
          )
        : [];
      rows.push([
        label,
        formatDuration(best(label, "directoryMs")),
        formatDuration(best(label, "customMs")),
        formatBytes(samples[label][0].directoryBytes),
        formatDuration(best(label, "restoreMs")),
        formatDuration(best(label, "directoryMs") + best(label, "restoreMs")),
        perRound.length ? `${median(perRound).toFixed(2)}×` : "",
      ]);
    }
    const finishedAt = new Date().toISOString();
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `compression-${finishedAt.replace(/[:.]/g, "-")}.json`);
    const report = {
      command: `npm run bench:compression -- --scale ${scale} --repeat ${repeat}${values["pg-bin"] ? ` --pg-bin ${values["pg-bin"]}` : ""}`,
      scale,
      database: { bytes: generated.bytes },
      pgDump: { version, dir: pg.dir },
      jobs,
      samples,
      machine: { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, loadAtEnd: os.loadavg() },
      finishedAt,
    };
    writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      `${formatTable(rows)}\n\nscale ${scale} (${formatBytes(generated.bytes)}), pg_dump ${version}, best of ${repeat}; load average at end ${os
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
  process.stderr.write(`bench/compression: ${err.message}\n`);
  process.exitCode = 1;
});
