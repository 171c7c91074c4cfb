/**
 * Which files of pg_dump's output directory are finished, while pg_dump still runs.
 *
 * pg_dump --format=directory creates each file with one open(O_CREAT|O_TRUNC) (toc.dat first, then
 * one `<dumpId>.dat[.gz|.lz4|.zst]` per table, blob files), writes it through and closes it, and
 * never opens it for writing again (with --no-sync it does not reopen files at the end either). So
 * a file that is in the directory and that no process of pg_dump's tree holds open has been
 * closed for good. The directory is read first and the open files second: a file seen in the
 * directory was created before the check, so if it is not open then, its writer has closed it.
 *
 * Open files are read from /proc/<pid>/fd of pg_dump and its descendants (its parallel workers, a
 * wrapper's real pg_dump). Where that cannot be read (no /proc, another user's process), nothing is
 * reported finished until pg_dump has exited: slower, never wrong.
 */
import { readdir, readFile, readlink, realpath } from "node:fs/promises";
import path from "node:path";

/** pid and every descendant, from /proc/<pid>/task/<tid>/children; undefined without /proc. */
async function processTree(rootPid: number): Promise<number[] | undefined> {
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    let tasks: string[];
    try {
      tasks = await readdir(`/proc/${pid}/task`);
    } catch (err) {
      if (pid === rootPid && (err as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
      continue; // exited while we looked: its files are closed
    }
    tree.push(pid);
    for (const tid of tasks) {
      const children = await readFile(`/proc/${pid}/task/${tid}/children`, "utf8").catch(() => "");
      for (const child of children.split(" ").filter(Boolean)) queue.push(Number(child));
    }
  }
  return tree;
}

/**
 * Absolute paths of the files open in a process tree; undefined when they cannot all be read
 * (then no file can be said to be closed).
 */
export async function openFilesOf(rootPid: number): Promise<Set<string> | undefined> {
  const tree = await processTree(rootPid);
  if (!tree) return undefined;
  const open = new Set<string>();
  for (const pid of tree) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue; // exited: nothing open
      return undefined;
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
      if (target) open.add(target);
    }
  }
  return open;
}

export class FinishedFiles {
  private readonly reported = new Set<string>();
  private realDir: string | undefined;

  constructor(
    readonly dir: string,
    private readonly writerPid: number | undefined,
    private readonly openFiles: (pid: number) => Promise<Set<string> | undefined> = openFilesOf,
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
      const open = this.writerPid === undefined ? undefined : await this.openFiles(this.writerPid);
      if (!open) return [];
      finished = fresh.filter((name) => !open.has(path.join(this.realDir!, name)));
    }
    for (const name of finished) this.reported.add(name);
    return finished;
  }
}
