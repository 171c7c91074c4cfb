import { ChildProcess } from "node:child_process";
import { Readable } from "node:stream";
import { redactSecrets } from "../postgres/connectionUrl";
import { ProcessGroup, runProgram, signalGroup, StderrTail } from "../postgres/processes";
import { MARKER_SCHEMA } from "../promote/markerSchema";
import { compressionArg, compressionLabel, defaultCompression } from "./compression";

/**
 * pg_dump's own compression by default (see compression.ts): gzip level 1 where pg_dump has only
 * gzip, else the measured default for pg_dump 16+. The fast level rather than pg_dump's 6: the
 * dump is CPU-bound on compression (numbers in docs/engine.md).
 */
export function compressionFor(pgDumpMajor: number): { arg: string; label: string } {
  const c = defaultCompression(pgDumpMajor);
  return { arg: compressionArg(c, { version: String(pgDumpMajor), path: "pg_dump" }), label: compressionLabel(c) };
}

export interface PgDumpFormatOptions {
  /** custom (default): one archive on stdout; directory: files under `directory`, `jobs` workers. */
  format?: "custom" | "directory";
  jobs?: number;
  directory?: string;
}

/**
 * pg_dump's arguments: the format, the exported snapshot, never a password prompt, and never
 * bloom-dr's own marker schema (a backup of a serving database must not carry its serving marker
 * into the database it is restored into). The connection comes from the environment (PGHOST,
 * PGPASSWORD, ...), so argv holds no secret. The directory form skips pg_dump's final fsync of
 * every file (--no-sync): each file is made durable by the store that takes it (fsynced in place,
 * or uploaded and removed).
 */
export function pgDumpArgs(snapshotId: string, compression: string, options: PgDumpFormatOptions = {}): string[] {
  const common = [`--compress=${compression}`, `--snapshot=${snapshotId}`, `--exclude-schema=${MARKER_SCHEMA}`];
  if (options.format !== "directory") return ["--format=custom", ...common, "--no-password"];
  const jobs = options.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a positive integer (got ${jobs})`);
  if (!options.directory) throw new Error("the directory format needs an output directory");
  return [
    "--format=directory",
    `--jobs=${jobs}`,
    ...common,
    "--no-sync",
    "--no-password",
    `--file=${options.directory}`,
  ];
}

/** "pg_dump (PostgreSQL) 15.14 (Ubuntu 15.14-1.pgdg22.04+1)" → "15.14". */
export function parseToolVersion(output: string): string {
  const m = /\(PostgreSQL\)\s+([0-9][^\s]*)/.exec(output);
  return m ? m[1] : output.trim().split("\n")[0];
}

export async function toolVersion(programPath: string): Promise<string> {
  const { stdout } = await runProgram(programPath, ["--version"]);
  return parseToolVersion(stdout);
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running pg_dump: its output stream, its exit, and the one-line reason if it failed. */
export class PgDumpProcess {
  readonly stdout: Readable;
  readonly exited: Promise<ExitStatus>;
  private readonly group: ProcessGroup;
  private readonly child: ChildProcess;
  private readonly stderr = new StderrTail();
  private stoppedByUs = false;
  private readerGone = false;
  private paused = false;

  constructor(
    programPath: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    private readonly secrets: string[],
  ) {
    // a process group of its own: a pg_dump run by a wrapper script is stopped with the wrapper
    this.group = new ProcessGroup(programPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = this.group.child;
    this.stdout = this.child.stdout!;
    this.child.stderr!.on("data", (c: Buffer) => this.stderr.push(c));
    // A reader that gives up (store failure) closes the pipe before its end; pg_dump then dies of
    // EPIPE, which is a consequence, not the cause, of the failure.
    this.stdout.on("close", () => {
      if (!this.stdout.readableEnded) this.readerGone = true;
    });
    this.exited = new Promise((resolve) => {
      this.child.on("error", (err) => {
        this.stderr.push(`could not start ${programPath}: ${err.message}\n`);
        resolve({ code: null, signal: null });
      });
      this.child.on("close", (code, signal) => resolve({ code, signal }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves when pg_dump exited 0; rejects with its one-line reason otherwise. */
  async succeeded(): Promise<void> {
    const { code, signal } = await this.exited;
    await this.group.stop(); // nothing it started outlives it
    if (code !== 0) throw new Error(this.failure(code, signal));
  }

  failure(code: number | null, signal: NodeJS.Signals | null): string {
    return describeToolExit("pg_dump", code, signal, this.stderr, this.secrets);
  }

  /** Whether pg_dump ended because we stopped it or stopped reading, rather than by itself. */
  get wasStopped(): boolean {
    return this.stoppedByUs || this.readerGone;
  }

  /**
   * Suspends pg_dump and its workers (SIGSTOP to the group): back-pressure when the store falls
   * behind the files they write. Their server sessions simply wait.
   */
  pause(): void {
    if (this.paused || this.child.pid === undefined || !this.running) return;
    this.paused = true;
    signalGroup(this.child.pid, "SIGSTOP");
  }

  resume(): void {
    if (!this.paused || this.child.pid === undefined) return;
    this.paused = false;
    signalGroup(this.child.pid, "SIGCONT");
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops pg_dump and everything it started (after a failure elsewhere) and waits for them to exit. */
  async stop(): Promise<void> {
    if (this.running) this.stoppedByUs = true;
    this.resume(); // a stopped process acts on SIGTERM only once continued
    this.stdout.resume(); // drain, so that a pg_dump blocked on a full pipe sees the signal at once
    await this.group.stop();
    await this.exited;
  }
}

/**
 * Like describeExit, but names the line that says what went wrong: pg_dump and pg_restore print
 * "error: ..." followed by detail lines ("detail: Query was: ..."), so the last line alone
 * hides the cause.
 */
export function describeToolExit(
  program: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: StderrTail,
  secrets: string[],
): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const lines = stderr
    .toString()
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const errorAt = lines.map((l) => /\berror:|^ERROR:|^FATAL:/.test(l)).lastIndexOf(true);
  const why =
    errorAt >= 0
      ? lines
          .slice(errorAt, errorAt + 2)
          .filter((l) => !/Query was:/.test(l))
          .join(" ")
      : (lines[lines.length - 1] ?? "");
  return redactSecrets(`${program} ${how}${why ? `: ${why}` : ""}`, secrets);
}
