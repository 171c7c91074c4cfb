/**
 * `npm run bench -- --scale N [--repeat R] [--jobs J]`: on one deterministic Bloom database,
 * times our backup and restore (the CLI, as users run it) against the playbook's way and against
 * what PostgreSQL's own tools can do at best, and our process's peak memory. Prints a table and
 * writes bench/out/bench-scale-N-<time>.json. Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { formatBytes } from "../runtime/lib/text/format";
import { LocalCluster } from "../runtime/lib/local/cluster";
import { findPostgresBinaries } from "../runtime/lib/postgres/binaries";
import { libpqEnvironment } from "../runtime/lib/postgres/connectionUrl";
import { generate, parseScale } from "./generate";
import { best, run, runCli, runPipeline, Timing } from "./measure";
import { BenchTimes, median, roundRatios, targets, targetsTable, timesTable } from "./report";

// Server settings for every method alike: WAL and index builds sized so checkpoints do not dominate.
const SERVER_SETTINGS = {
  max_wal_size: "'4GB'",
  checkpoint_timeout: "'30min'",
  maintenance_work_mem: "'256MB'",
  shared_buffers: "'256MB'",
};

async function sql(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: "string" },
      repeat: { type: "string" },
      jobs: { type: "string" },
      out: { type: "string" },
    },
  });
  const scale = parseScale(values.scale);
  const repeat = Number(values.repeat ?? "1");
  const jobs = Number(values.jobs ?? String(os.availableParallelism()));
  const outDir = path.resolve(values.out ?? path.join(__dirname, "out"));
  const pg = findPostgresBinaries(["pg_dump", "pg_restore", "psql"]);
  const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

  const work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bench-"));
  const cluster = await LocalCluster.create({ name: "bench", settings: SERVER_SETTINGS });
  try {
    const src = cluster.url("bloom_src");
    await sql(cluster.url(), "CREATE DATABASE bloom_src");
    log(`generating scale ${scale}…`);
    const generated = await generate(src, scale);
    log(`generated ${formatBytes(generated.bytes)} in ${(generated.ms / 1000).toFixed(1)}s`);
    const store = path.join(work, "store");
    const playbookFile = path.join(work, "latest.sql.gz");
    const samples: Record<keyof BenchTimes, Timing[]> = {
      backup: [],
      readLimit: [],
      playbookBackup: [],
      restore: [],
      writeLimit: [],
      playbookRestore: [],
    };
    const rss = { backup: [] as number[], restore: [] as number[] };
    let dumpFile = "";
    let dumpBytes = 0;
    const restorePhases: unknown[] = [];
    // the engine's own timings, without the CLI's start-up (tsx compile, module loading)
    const engineMs = { backup: [] as number[], restore: [] as number[] };
    const startup: Timing[] = [];
    let target = 0;
    const freshDatabase = async () => {
      const name = `bloom_target_${++target}`;
      await sql(cluster.url(), `CREATE DATABASE ${name}`);
      return { name, url: cluster.url(name), drop: () => sql(cluster.url(), `DROP DATABASE ${name}`) };
    };

    for (let i = 1; i <= repeat; i++) {
      startup.push(
        await run({ command: process.execPath, args: [path.join(__dirname, "..", "bin", "bloom-dr.js"), "--help"] }),
      );
      log(`round ${i}/${repeat}: read limit (pg_dump -Fc -Z0 > /dev/null)`);
      samples.readLimit.push(
        await run({
          command: pg.path("pg_dump"),
          args: ["-Fc", "-Z0"],
          env: libpqEnvironment(src),
          stdoutFile: "/dev/null",
        }),
      );

      log(`round ${i}/${repeat}: our backup`);
      const b = await runCli(["backup", "--db", src, "--store", store, "--label", `bench round ${i}`]);
      samples.backup.push(b);
      rss.backup.push(b.peakRssMiB);
      engineMs.backup.push(Number(b.result.durationMs));
      dumpFile = path.join(store, `${b.result.id}.dump`);
      dumpBytes = statSync(dumpFile).size;

      log(`round ${i}/${repeat}: playbook backup (pg_dump | gzip)`);
      samples.playbookBackup.push(await runPipeline(`${pg.path("pg_dump")} | gzip > '${playbookFile}'`, src));

      log(`round ${i}/${repeat}: write limit (pg_restore -j ${jobs} from the local dump file)`);
      let db = await freshDatabase();
      samples.writeLimit.push(
        await run({
          command: pg.path("pg_restore"),
          args: ["-j", String(jobs), "--no-owner", "--no-acl", "-d", db.name, dumpFile],
          env: libpqEnvironment(db.url),
        }),
      );
      await db.drop();

      log(`round ${i}/${repeat}: our restore (-j ${jobs})`);
      db = await freshDatabase();
      const r = await runCli([
        "restore",
        "--store",
        store,
        "--backup",
        "latest",
        "--target",
        db.url,
        "--jobs",
        String(jobs),
      ]);
      samples.restore.push(r);
      rss.restore.push(r.peakRssMiB);
      restorePhases.push({ phases: r.result.phases, totalMs: r.result.totalMs });
      engineMs.restore.push(Number(r.result.totalMs));
      await db.drop();

      log(`round ${i}/${repeat}: playbook restore (gunzip | psql)`);
      db = await freshDatabase();
      samples.playbookRestore.push(
        await runPipeline(
          `gunzip -c '${playbookFile}' | ${pg.path("psql")} -X -q -v ON_ERROR_STOP=1 > /dev/null`,
          db.url,
        ),
      );
      await db.drop();
    }

    const times = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, best(v).ms])) as unknown as BenchTimes;
    const peakRssMiB = Math.max(...rss.backup, ...rss.restore);
    const checks = targets(times, peakRssMiB);
    const ratios = roundRatios(samples);
    const labels: Record<keyof BenchTimes, string> = {
      backup: "our backup (bloom-dr backup → file store)",
      readLimit: "read limit (pg_dump -Fc -Z0 > /dev/null)",
      playbookBackup: "playbook backup (pg_dump | gzip > file)",
      restore: `our restore (bloom-dr restore --jobs ${jobs})`,
      writeLimit: `write limit (pg_restore -j ${jobs} local file)`,
      playbookRestore: "playbook restore (gunzip | psql)",
    };
    const machine = {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.availableParallelism(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: `${pg.major} (${pg.dir})`,
      loadAtEnd: os.loadavg(),
    };
    const report = {
      scale,
      repeat,
      jobs,
      database: { bytes: generated.bytes, rows: generated.rows, generateMs: generated.ms },
      artifacts: { ourDumpBytes: dumpBytes, playbookGzipBytes: statSync(playbookFile).size },
      timesMs: times,
      samples,
      peakRssMiB: { backup: rss.backup, restore: rss.restore },
      ourRestorePhases: restorePhases,
      engineMs,
      cliStartupMs: best(startup).ms,
      targets: checks,
      roundRatios: ratios,
      machine,
      serverSettings: SERVER_SETTINGS,
      command: `npm run bench -- --scale ${scale}${repeat !== 1 ? ` --repeat ${repeat}` : ""}`,
      finishedAt: new Date().toISOString(),
    };
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `bench-scale-${scale}-${report.finishedAt.replace(/[:.]/g, "-")}.json`);
    writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      [
        `scale ${scale}: ${formatBytes(generated.bytes)} database; our dump ${formatBytes(dumpBytes)}, playbook .sql.gz ${formatBytes(report.artifacts.playbookGzipBytes)}; best of ${repeat}`,
        "",
        timesTable(times, labels),
        "",
        targetsTable(checks),
        "",
        `per-round ratios (median): ${Object.entries(ratios)
          .map(([k, v]) => `${k} ${median(v).toFixed(2)}× [${v.map((x) => x.toFixed(2)).join(", ")}]`)
          .join("; ")}`,
        `bloom-dr start-up (node bin/bloom-dr.js --help): ${(report.cliStartupMs / 1000).toFixed(2)}s; engine time without start-up: backup ${(Math.min(...engineMs.backup) / 1000).toFixed(2)}s, restore ${(Math.min(...engineMs.restore) / 1000).toFixed(2)}s; peak RSS backup ${Math.max(...rss.backup).toFixed(0)} MiB, restore ${Math.max(...rss.restore).toFixed(0)} MiB`,
        "",
        `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, PostgreSQL ${machine.postgres}; load average at end ${machine.loadAtEnd.map((l) => l.toFixed(2)).join(" ")}`,
        `written: ${path.relative(process.cwd(), outFile)}`,
      ].join("\n") + "\n",
    );
  } finally {
    await cluster.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 1;
});
