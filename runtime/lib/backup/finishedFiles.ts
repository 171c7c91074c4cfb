/**
 * Which files of pg_dump's output directory are finished, while pg_dump still runs.
 *
 * pg_dump --format=directory creates each file with one open(O_CREAT|O_TRUNC) (toc.dat first, then
 * one `<dumpId>.dat[.gz|.lz4|.zst]` per table, blob files), writes it through and closes it, and
 * never opens it for writing again (with --no-sync it does not reopen files at the end either). So
 * a file that is in the directory and that no process of pg_dump's holds open has been closed for
 * good. The directory is read first and the open files second: a file seen in the directory was
 * created before the check, so if it is not open then, its writer has closed it.
 *
 * pg_dump runs as the leader of a process group of its own (ProcessGroup); its parallel workers
 * and anything a wrapper starts are in that group. The group's members are found from
 * /proc/<pid>/stat and their open files from /proc/<pid>/fd (Linux). Where that cannot be read —
 * no /proc (macOS, the BSDs), a member whose descriptors another user owns, a group that exists
 * but none of whose members can be seen — nothing is reported finished until pg_dump has exited:
 * slower, and the whole dump then waits on local disk, but never wrong.
 */
import { readdir, readFile, readlink, realpath } from "node:fs/promises";
import path from "node:path";

/** The process group of a /proc/<pid>/stat line ("pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses). */
function groupOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

/** Whether any process of the group exists (also one we may not signal or see). */
function groupExists(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Absolute paths of the files open in a process group; undefined when they cannot all be known
 * (then no file can be said to be closed). An empty set when the group is gone: its files are
 * all closed. `proc` is where procfs is mounted.
 */
export async function openFilesOf(group: number, proc = "/proc"): Promise<Set<string> | undefined> {
  let pids: string[];
  try {
    pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined; // no procfs here
  }
  const members: string[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(path.join(proc, pid, "stat"), "utf8").catch(() => undefined);
      if (stat !== undefined && groupOf(stat) === group) members.push(pid);
    }),
  );
  // none seen: either the group is gone, or its processes are hidden from us (hidepid, not procfs)
  if (members.length === 0) return groupExists(group) ? undefined : new Set();
  const open = new Set<string>();
  for (const pid of members) {
    let fds: string[];
    try {
      fds = await readdir(path.join(proc, pid, "fd"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue; // exited: nothing open
      return undefined;
    }
    for (const fd of fds) {
      const target = await readlink(path.join(proc, pid, "fd", fd)).catch(() => undefined);
      if (target) open.add(target);
    }
  }
  return open;
}

export class FinishedFiles {
  private readonly reported = new Set<string>();
  private realDir: string | undefined;

  /**
   * `writerGroup`: the process group whose processes write the directory (pg_dump's pid: it leads
   * a group of its own). `openFiles` reads that group's open files (tests replace it).
   */
  constructor(
    readonly dir: string,
    private readonly writerGroup: number | undefined,
    private readonly openFiles: (group: number) => Promise<Set<string> | undefined> = openFilesOf,
  ) {}

  /**
   * Files that are complete and were not reported before, in creation order where the names tell
   * (pg_dump's dump ids). After the writer exited, pass `writerExited` to take every file left.
   */
  async poll(writerExited = false): Promise<string[]> {
    this.realDir ??= await realpath(this.dir);
    const entries = await readdir(this.dir, { withFileTypes: true });
    const fresh = entries.filter((e) => e.isFile() && !this.reported.has(e.name)).map((e) => e.name);
    if (fresh.length === 0) return [];
    let finished = fresh;
    if (!writerExited) {
      const open = this.writerGroup === undefined ? undefined : await this.openFiles(this.writerGroup);
      if (!open) return [];
      finished = fresh.filter((name) => !open.has(path.join(this.realDir!, name)));
    }
    for (const name of finished) this.reported.add(name);
    return finished;
  }
}
