import { execFileSync } from "node:child_process";
import { chownSync } from "node:fs";

/**
 * PostgreSQL refuses to run as root. When we are root, server programs run as the `postgres`
 * user through runuser, and the directories they write are handed to that user.
 */
export interface ServerUser {
  /** argv prefix that runs a program as the server user ([] when we already are that user). */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Gives a path we created to the server user (no-op when not root). */
  own(path: string): void;
}

export function serverUser(): ServerUser {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    return { wrap: (command, args) => ({ command, args: [...args] }), own: () => undefined };
  }
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return {
    wrap: (command, args) => ({ command: "runuser", args: ["-u", "postgres", "--", command, ...args] }),
    own: (path) => chownSync(path, uid, gid),
  };
}
