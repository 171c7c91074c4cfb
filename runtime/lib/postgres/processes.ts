import { spawn, SpawnOptions } from "node:child_process";
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
 * exits 0; rejects with a one-line reason otherwise. For short-lived tools (initdb, pg_ctl, psql).
 */
export function runProgram(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    };
    const child = spawn(command, [...args], spawnOptions);
    const stdout: Buffer[] = [];
    const stderr = new StderrTail(64 * 1024);
    child.stdout!.on("data", (c: Buffer) => stdout.push(c));
    child.stderr!.on("data", (c: Buffer) => stderr.push(c));
    child.on("error", (err) =>
      reject(new Error(redactSecrets(`could not start ${command}: ${err.message}`, options.secrets ?? []))),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve({ stdout: Buffer.concat(stdout).toString(), stderr: stderr.toString() });
      else reject(new Error(describeExit(programName(command, args), code, signal, stderr, options.secrets ?? [])));
    });
    child.stdin!.on("error", () => undefined); // the child may exit before reading its input
    child.stdin!.end(options.input ?? "");
  });
}

/** "pg_ctl" rather than "/usr/lib/postgresql/15/bin/pg_ctl", and the real tool behind runuser. */
function programName(command: string, args: readonly string[]): string {
  const real = command.endsWith("runuser") ? (args[args.indexOf("--") + 1] ?? command) : command;
  return real.split("/").pop() ?? real;
}
