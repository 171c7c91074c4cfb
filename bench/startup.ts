/**
 * `npm run bench:startup [-- --runs N --cold N --out DIR]`: how long `bloom-dr --help`, every
 * `bloom-dr <command> --help` and every group's `--help` take, run as users run them
 * (`node bin/bloom-dr.js …`): warm (the compiled modules cached in node_modules/.cache/bloom-dr)
 * and cold (that cache removed first, as right after `npm ci`), beside bare `node -e 0`. The
 * target (issue 12) is a warm median of at most 150 ms. Prints a table and writes
 * bench/out/startup-<time>.json. Not part of `npm test`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { COMMANDS } from "../runtime/cli/commands";
import { formatTable } from "../runtime/lib/text/format";
import { run } from "./measure";
import { median } from "./report";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "bloom-dr.js");
/** Where bin/loadTypeScript.js keeps the compiled modules. */
const COMPILE_CACHE = path.join(ROOT, "node_modules", ".cache", "bloom-dr");
const TARGET_MS = 150;

interface Case {
  name: string;
  args: string[];
}

interface Stats {
  name: string;
  runs: number;
  minMs: number;
  medianMs: number;
  meanMs: number;
  maxMs: number;
}

function stats(name: string, samples: number[]): Stats {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    name,
    runs: samples.length,
    minMs: round(Math.min(...samples)),
    medianMs: round(median(samples)),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    maxMs: round(Math.max(...samples)),
  };
}

async function time(args: string[]): Promise<number> {
  return (await run({ command: process.execPath, args, stdoutFile: "/dev/null" })).ms;
}

async function sample(args: string[], runs: number): Promise<number[]> {
  await time(args); // warm-up: file system cache, compile cache
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await time(args));
  return samples;
}

function cases(): Case[] {
  const groups = [...new Set(COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]))];
  return [
    { name: "bloom-dr --help", args: ["--help"] },
    ...COMMANDS.map((c) => ({ name: `bloom-dr ${c.name} --help`, args: [...c.name.split(" "), "--help"] })),
    ...groups.map((g) => ({ name: `bloom-dr ${g} --help`, args: [g, "--help"] })),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: "string" }, cold: { type: "string" }, out: { type: "string" } },
  });
  const runs = Number(values.runs ?? "20");
  const coldRuns = Number(values.cold ?? "5");
  const outDir = path.resolve(values.out ?? path.join(__dirname, "out"));
  const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

  const loadBefore = os.loadavg()[0];
  log(`bare node, ${runs} runs…`);
  const baseline = stats("node -e 0 (bare Node start-up)", await sample(["-e", "0"], runs));

  // cold: what the first run after `npm ci` pays (every module compiled, then cached)
  log(`cold --help, ${coldRuns} runs…`);
  const cold: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    rmSync(COMPILE_CACHE, { recursive: true, force: true });
    cold.push(await time([BIN, "--help"]));
  }
  const coldStats = stats("bloom-dr --help, cold (no compile cache)", cold);

  const warm: Stats[] = [];
  for (const c of cases()) {
    log(`${c.name}, ${runs} runs…`);
    warm.push(stats(c.name, await sample([BIN, ...c.args], runs)));
  }
  const loadAfter = os.loadavg()[0];

  const slowest = warm.reduce((a, b) => (b.medianMs > a.medianMs ? b : a));
  const rows = [
    ["case", "median", "min", "mean", "max", "runs"],
    ...[baseline, coldStats, ...warm].map((s) => [
      s.name,
      `${s.medianMs} ms`,
      `${s.minMs} ms`,
      `${s.meanMs} ms`,
      `${s.maxMs} ms`,
      String(s.runs),
    ]),
  ];
  const verdict = `slowest warm median: ${slowest.medianMs} ms (${slowest.name}); target ≤ ${TARGET_MS} ms: ${slowest.medianMs <= TARGET_MS ? "met" : "NOT met"}`;
  process.stdout.write(
    `${formatTable(rows)}\n\n${verdict}\nload average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after; ${os.availableParallelism()} cores; Node ${process.versions.node}\n`,
  );

  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `startup-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const report = {
    node: process.versions.node,
    cores: os.availableParallelism(),
    loadAverage: { before: loadBefore, after: loadAfter },
    targetMs: TARGET_MS,
    baseline,
    cold: coldStats,
    warm,
    slowestWarmMedianMs: slowest.medianMs,
  };
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), outFile)}`);
}

main().catch((err) => {
  process.stderr.write(`bench:startup: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
