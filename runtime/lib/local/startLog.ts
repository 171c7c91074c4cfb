import { closeSync, openSync, readSync, statSync } from "node:fs";

/**
 * What a failed `pg_ctl start` wrote to the server log, from `offset` (the log's size before the
 * start) on: the server says why it stopped, pg_ctl only "examine the log output".
 */
export function logSince(logFile: string, offset: number): string {
  let fd: number | undefined;
  try {
    const size = statSync(logFile).size;
    if (size <= offset) return "";
    fd = openSync(logFile, "r");
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether the server could not listen because its port was taken ("could not bind … Address already in use"). */
export function portWasTaken(log: string): boolean {
  return /could not bind IPv[46] address.*Address already in use/.test(log);
}

export function portTakenSince(logFile: string, offset: number): boolean {
  return portWasTaken(logSince(logFile, offset));
}

/** Blocks the thread: only for synchronous teardowns (exit and signal handlers), where nothing else may run. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
