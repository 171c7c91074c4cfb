/** Running and timing the programs a benchmark compares; no shell unless the playbook's own way is one. */
import { spawn, StdioOptions } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { describeExit, StderrTail } from "../runtime/lib/postgres/processes";
import { libpqEnvironment } from "../runtime/lib/postgres/connectionUrl";

export interface Timing {
  ms: number;
  /** 1-minute load average when the run ended: other work on the machine shows up here. */
  load: number;
}

export interface RunSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** File that receives stdout ("/dev/null" to discard); default: stdout is collected and returned. */
  stdoutFile?: string;
}

/** Runs a program to completion; rejects with its exit reason. Resolves with the wall time and stdout. */
export function run(spec: RunSpec): Promise<Timing & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const fd = spec.stdoutFile ? openSync(spec.stdoutFile, "w") : undefined;
    const stdio: StdioOptions = ["ignore", fd ?? "pipe", "pipe"];
    const started = process.hrtime.bigint();
    const child = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio });
    const out: Buffer[] = [];
    const err = new StderrTail();
    child.stdout?.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (fd !== undefined) closeSync(fd);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ ms, load: os.loadavg()[0], stdout: Buffer.concat(out).toString() });
      else reject(new Error(describeExit(path.basename(spec.command), code, signal, err)));
    });
  });
}

/** A bash pipeline with pipefail, for the playbook's `pg_dump | gzip` style; the URL travels in PG* variables. */
export function runPipeline(script: string, dbUrl: string): Promise<Timing> {
  return run({ command: "bash", args: ["-o", "pipefail", "-c", script], env: libpqEnvironment(dbUrl) });
}

/**
 * Runs the bloom-dr CLI as the user does (node bin/bloom-dr.js, --json) with the RSS probe
 * preloaded; returns the wall time, the parsed JSON result and the process's peak RSS in MiB.
 */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Timing & { result: Record<string, unknown>; peakRssMiB: number }> {
  const root = path.resolve(__dirname, "..");
  const rssFile = path.join(os.tmpdir(), `bloom-dr-bench-rss-${process.pid}-${Date.now()}`);
  try {
    const t = await run({
      command: process.execPath,
      args: [
        "--require",
        path.join(root, "bench", "rssProbe.cjs"),
        path.join(root, "bin", "bloom-dr.js"),
        ...args,
        "--json",
      ],
      env: { ...env, BENCH_RSS_FILE: rssFile },
    });
    const peakRssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) / 1024 : NaN;
    return { ms: t.ms, load: t.load, result: JSON.parse(t.stdout), peakRssMiB };
  } finally {
    rmSync(rssFile, { force: true });
  }
}

/** Best of the samples: on a shared machine the fastest run is the one least disturbed by others. */
export function best(samples: Timing[]): Timing {
  return samples.reduce((a, b) => (b.ms < a.ms ? b : a));
}

/** One statement on its own connection (setup between rounds: CREATE/DROP DATABASE, VACUUM). */
export async function sql(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Bytes of a file, or of every file in a directory. */
export function sizeOf(target: string): number {
  const info = statSync(target);
  if (!info.isDirectory()) return info.size;
  return readdirSync(target).reduce((sum, name) => sum + statSync(path.join(target, name)).size, 0);
}

/** Progress on stderr, stamped with the time of day. */
export const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
