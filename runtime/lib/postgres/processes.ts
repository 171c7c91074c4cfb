import { ChildProcess, spawn, SpawnOptions } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { registerTeardown } from "../local/cleanupRegistry";
import { redactSecrets } from "./connectionUrl";

/** Outcome of an external program that ran to completion with exit code 0. */
export interface ProcessResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, then stdin is closed. */
  input?: string;
  /** Strings (passwords) that must never appear in an error message. */
  secrets?: string[];
  /** Aborting stops the program and everything it started (its process group), then rejects. */
  signal?: AbortSignal;
  /** Called once the program runs (LocalCluster keeps hold of a `pg_ctl start` under way). */
  onSpawn?: (group: ProcessGroup) => void;
}

/** Keeps the tail of a child's stderr: enough to explain a failure, bounded whatever it prints. */
export class StderrTail {
  private text = "";
  constructor(private readonly limit = 16 * 1024) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }
  /** The last non-empty line, the one that names the cause in PostgreSQL tools. */
  lastLine(): string {
    const lines = this.text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    return lines[lines.length - 1] ?? "";
  }
  toString(): string {
    return this.text;
  }
}

/** The one-line reason for an exit: code or signal plus the tool's own last stderr line. */
export function describeExit(
  program: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: StderrTail,
  secrets: string[] = [],
): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const why = stderr.lastLine();
  return redactSecrets(`${program} ${how}${why ? `: ${why}` : ""}`, secrets);
}

/**
 * Runs a program with explicit argv (never a shell string) and resolves with its output when it
 * exits 0; rejects with a one-line reason otherwise. For short-lived tools (initdb, pg_ctl, psql,
 * cp). The program runs in a process group of its own: an abort stops it and whatever it started.
 */
export async function runProgram(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const secrets = options.secrets ?? [];
  const name = programName(command, args);
  if (options.signal?.aborted) throw new Error(`${name} was not started: interrupted`);
  const group = new ProcessGroup(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr = new StderrTail(64 * 1024);
  group.child.stdout!.on("data", (c: Buffer) => stdout.push(c));
  group.child.stderr!.on("data", (c: Buffer) => stderr.push(c));
  group.child.stdin!.on("error", () => undefined); // the child may exit before reading its input
  group.child.stdin!.end(options.input ?? "");
  options.onSpawn?.(group);
  const { code, signal, error } = await group.run(options.signal);
  if (error) throw new Error(redactSecrets(`could not start ${command}: ${error.message}`, secrets));
  if (options.signal?.aborted) throw new Error(`${name} was stopped: interrupted`);
  if (code !== 0) throw new Error(describeExit(name, code, signal, stderr, secrets));
  return { stdout: Buffer.concat(stdout).toString(), stderr: stderr.toString() };
}

export interface GroupExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  error?: Error;
}

/** How long a process group gets between SIGTERM and SIGKILL. */
export const STOP_GRACE_MS = 5_000;

/**
 * A child process leading a process group of its own, so that it and every process it starts
 * (a wrapper's real tool, pg_restore's workers, a shell's children) can be stopped together and
 * waited for. Until the group is empty, a teardown in the cleanup registry SIGKILLs it if this
 * process exits first. (A PostgreSQL server started by pg_ctl leaves the group on purpose:
 * pg_ctl puts it in a session of its own; LocalCluster stops it.)
 */
export class ProcessGroup {
  readonly child: ChildProcess;
  /** When the leader exited (not waiting for its output to close). */
  readonly exited: Promise<GroupExit>;
  /** When the leader's stdio closed too: its output is complete. */
  readonly closed: Promise<void>;
  private unregister: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(command: string, args: readonly string[], options: SpawnOptions) {
    this.child = spawn(command, [...args], { ...options, detached: true });
    const pid = this.child.pid;
    if (pid !== undefined) this.unregister = registerTeardown(() => signalGroup(pid, "SIGKILL"), { onSignals: false });
    this.exited = new Promise((resolve) => {
      this.child.once("error", (error) => resolve({ code: null, signal: null, error }));
      this.child.once("exit", (code, signal) => {
        // a group that emptied with its leader needs no teardown (and its id may be reused)
        if (pid !== undefined && !groupRunning(pid)) this.release();
        resolve({ code, signal });
      });
    });
    this.closed = new Promise((resolve) => {
      this.child.once("close", () => resolve());
      this.child.once("error", () => resolve());
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Waits for the leader to exit (stopping the group when `signal` aborts first), then for the
   * rest of the group (stopped if still running: nothing the program started outlives it), then
   * for its output to close.
   */
  async run(signal?: AbortSignal): Promise<GroupExit> {
    const onAbort = () => void this.stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      const exit = await this.exited;
      await this.stop();
      await this.closed;
      return exit;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * SIGTERM to every process of the group, SIGKILL to whatever is left after `graceMs`; resolves
   * once none of them runs. Safe to call more than once (the calls share one stop).
   */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping ??= this.stopGroup(graceMs);
    return this.stopping;
  }

  private async stopGroup(graceMs: number): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (groupRunning(pid)) {
      signalGroup(pid, "SIGTERM");
      const deadline = performance.now() + graceMs;
      while (groupRunning(pid) && performance.now() < deadline) await delay(25);
      if (groupRunning(pid)) signalGroup(pid, "SIGKILL");
      while (groupRunning(pid)) await delay(25);
    }
    await this.exited;
    this.release();
  }

  private release(): void {
    this.unregister?.();
    this.unregister = undefined;
  }
}

/** Sends a signal to a whole process group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // no process left in the group
  }
}

/**
 * Whether any process of the group still runs. Zombies do not count: where no init reaps
 * orphans (some containers), a dead grandchild stays a zombie in its group forever.
 */
export function groupRunning(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return true; // no /proc (macOS): the kill above is all we know
  }
  return entries.some((pid) => {
    const stat = processStat(Number(pid));
    return stat !== undefined && stat.pgrp === pgid && stat.state !== "Z";
  });
}

/** State and process group of a process from /proc/<pid>/stat; undefined when it is gone. */
export function processStat(pid: number): { state: string; ppid: number; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** "pg_ctl" rather than "/usr/lib/postgresql/15/bin/pg_ctl", and the real tool behind runuser. */
function programName(command: string, args: readonly string[]): string {
  const real = command.endsWith("runuser") ? (args[args.indexOf("--") + 1] ?? command) : command;
  return real.split("/").pop() ?? real;
}
