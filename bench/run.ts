/**
 * `npm run bench [-- --scales 1,3,10] [--repeat 3] [--jobs N] [--pg-bin DIR] [--out DIR]`: at each
 * Bloom scale (1 ≈ 100 MB), times our backup and restore (the CLI as users run it, defaults) against
 * PostgreSQL's own tools on the same artifact and against the playbook's commands, in rounds that
 * run every method back to back, and records our process's peak memory. Prints the tables, writes
 * bench/out/bench-<time>.json and, next to it, bench-<time>.svg (time and memory against size).
 * Not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LocalCluster } from "../runtime/lib/local/cluster";
import { findPostgresBinaries } from "../runtime/lib/postgres/binaries";
import { libpqEnvironment } from "../runtime/lib/postgres/connectionUrl";
import { formatBytes } from "../runtime/lib/text/format";
import { benchChart } from "./benchChart";
import { generate, parseScale } from "./generate";
import { log, run, runCli, runPipeline, sizeOf, sql, Timing } from "./measure";
import {
  bestTimes,
  Method,
  methodLabels,
  MethodTimes,
  ratiosTable,
  roundRatios,
  ScaleResult,
  targets,
  targetsTable,
  timesTable,
} from "./report";

// Server settings for every method alike: WAL and index builds sized so checkpoints do not dominate.
const SERVER_SETTINGS = {
  max_wal_size: "'4GB'",
  checkpoint_timeout: "'30min'",
  maintenance_work_mem: "'256MB'",
  shared_buffers: "'256MB'",
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scales: { type: "string" },
      scale: { type: "string" },
      repeat: { type: "string" },
      jobs: { type: "string" },
      "pg-bin": { type: "string" },
      out: { type: "string" },
    },
  });
  const scales = (values.scales ?? values.scale ?? "1,3,10").split(",").map((s) => parseScale(s.trim()));
  const repeat = Number(values.repeat ?? "3");
  const jobs = Number(values.jobs ?? String(os.availableParallelism()));
  const outDir = path.resolve(values.out ?? path.join(__dirname, "out"));
  const env = values["pg-bin"] ? { ...process.env, BLOOM_DR_PG_BIN: path.resolve(values["pg-bin"]) } : process.env;
  const pg = findPostgresBinaries(["pg_dump", "pg_restore", "psql"], { env });
  const labels = methodLabels(jobs);
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg();

  const work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bench-"));
  const cluster = await LocalCluster.create({ name: "bench", settings: SERVER_SETTINGS });
  const results: (ScaleResult & Record<string, unknown>)[] = [];
  try {
    let target = 0;
    const freshDatabase = async () => {
      const name = `bloom_target_${++target}`;
      await sql(cluster.url(), `CREATE DATABASE ${name}`);
      return { name, url: cluster.url(name), drop: () => sql(cluster.url(), `DROP DATABASE ${name}`) };
    };
    for (const scale of scales) {
      const dbName = `bloom_s${String(scale).replace(".", "_")}`;
      await sql(cluster.url(), `CREATE DATABASE ${dbName}`);
      const src = cluster.url(dbName);
      log(`scale ${scale}: generating…`);
      const generated = await generate(src, scale);
      // the catalog's estimate (our default format's input) as autovacuum would have it
      await sql(src, "VACUUM ANALYZE");
      log(`scale ${scale}: ${formatBytes(generated.bytes)} in ${(generated.ms / 1000).toFixed(1)} s`);
      const store = path.join(work, `store-${dbName}`);
      const rounds: MethodTimes[] = [];
      const samples: Record<string, Timing[]> = {};
      const rss = { backup: [] as number[], restore: [] as number[] };
      const ours: { backup: unknown[]; restore: unknown[] } = { backup: [], restore: [] };
      let artifact = "";
      for (let i = 1; i <= repeat; i++) {
        const round = {} as MethodTimes;
        const time = async (method: Method, measure: () => Promise<Timing>) => {
          log(`scale ${scale} round ${i}/${repeat}: ${labels[method]}`);
          const t = await measure();
          round[method] = t.ms;
          (samples[method] ??= []).push(t);
        };
        const pgEnv = libpqEnvironment(src, env);
        await time("readLimit", () =>
          run({ command: pg.path("pg_dump"), args: ["-Fc", "-Z0"], env: pgEnv, stdoutFile: "/dev/null" }),
        );
        const customFile = path.join(work, "stock.dump");
        await time("stockCustom", () =>
          run({ command: pg.path("pg_dump"), args: ["-Fc", "-Z1", "-f", customFile], env: pgEnv }),
        );
        const directory = path.join(work, "stock.dir");
        rmSync(directory, { recursive: true, force: true });
        await time("stockDirectory", () =>
          run({ command: pg.path("pg_dump"), args: ["-Fd", `-j${jobs}`, "-Z1", "-f", directory], env: pgEnv }),
        );
        let backupResult: Record<string, unknown> = {};
        await time("backup", async () => {
          const b = await runCli(["backup", "--db", src, "--store", store, "--label", `bench round ${i}`], env);
          rss.backup.push(b.peakRssMiB);
          backupResult = b.result;
          return b;
        });
        ours.backup.push({
          ms: round.backup,
          engineMs: backupResult.durationMs,
          format: backupResult.format,
          jobs: backupResult.jobs,
          bytes: backupResult.bytes,
        });
        const format = backupResult.format === "directory" ? "" : ".dump";
        artifact = path.join(store, `${backupResult.id as string}${format}`);
        const playbookFile = path.join(work, "latest.sql.gz");
        await time("playbookBackup", () => runPipeline(`${pg.path("pg_dump")} | gzip -c > '${playbookFile}'`, src));

        let db = await freshDatabase();
        await time("stockRestore", () =>
          run({
            command: pg.path("pg_restore"),
            args: [`-j${jobs}`, "--no-owner", "--no-acl", "--exit-on-error", "-d", db.name, artifact],
            env: libpqEnvironment(db.url, env),
          }),
        );
        await db.drop();
        db = await freshDatabase();
        await time("restore", async () => {
          const r = await runCli(["restore", "--store", store, "--backup", "latest", "--target", db.url], env);
          rss.restore.push(r.peakRssMiB);
          ours.restore.push({
            ms: r.ms,
            totalMs: r.result.totalMs,
            phases: r.result.phases,
            reading: r.result.reading,
          });
          return r;
        });
        await db.drop();
        db = await freshDatabase();
        await time("playbookRestore", () =>
          runPipeline(`gunzip -c '${playbookFile}' | ${pg.path("psql")} -X -q -v ON_ERROR_STOP=1 > /dev/null`, db.url),
        );
        await db.drop();
        rounds.push(round);
      }
      const peakRssMiB = { backup: Math.max(...rss.backup), restore: Math.max(...rss.restore) };
      results.push({
        scale,
        database: { bytes: generated.bytes, rows: generated.rows, generateMs: generated.ms },
        artifacts: {
          ours: sizeOf(artifact),
          oursFormat: artifact.endsWith(".dump") ? "custom" : "directory",
          stockCustom: sizeOf(path.join(work, "stock.dump")),
          stockDirectory: sizeOf(path.join(work, "stock.dir")),
          playbookGzip: sizeOf(path.join(work, "latest.sql.gz")),
        },
        times: bestTimes(rounds),
        rounds,
        samples,
        roundRatios: roundRatios(rounds),
        peakRssMiB,
        rssSamplesMiB: rss,
        ours,
      });
      await sql(cluster.url(), `DROP DATABASE ${dbName}`);
      rmSync(store, { recursive: true, force: true });
    }

    const checks = targets(results);
    const machine = {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.availableParallelism(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: `${pg.major} (${pg.dir})`,
      loadAtStart,
      loadAtEnd: os.loadavg(),
    };
    const finishedAt = new Date().toISOString();
    const report = {
      command: `npm run bench -- --scales ${scales.join(",")} --repeat ${repeat}${values.jobs ? ` --jobs ${jobs}` : ""}${values["pg-bin"] ? ` --pg-bin ${values["pg-bin"]}` : ""}`,
      startedAt,
      finishedAt,
      repeat,
      jobs,
      labels,
      results,
      targets: checks,
      machine,
      serverSettings: SERVER_SETTINGS,
    };
    mkdirSync(outDir, { recursive: true });
    const base = path.join(outDir, `bench-${finishedAt.replace(/[:.]/g, "-")}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      `${base}.svg`,
      benchChart(
        results,
        labels,
        `${machine.cores} cores, PostgreSQL ${pg.major}, best of ${repeat} rounds, ${finishedAt.slice(0, 16).replace("T", " ")} UTC`,
      ),
    );
    process.stdout.write(
      [
        timesTable(results, labels),
        "",
        targetsTable(checks),
        "",
        ratiosTable(results),
        "",
        `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}, PostgreSQL ${machine.postgres}; load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${machine.loadAtEnd.map((l) => l.toFixed(2)).join(" ")}`,
        `written: ${path.relative(process.cwd(), base)}.json and .svg`,
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
