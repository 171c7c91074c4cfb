/**
 * How the directory form knows that pg_dump has finished a file: it is in the directory and no
 * process of pg_dump's process group holds it open. Checked with real processes that write the way
 * pg_dump does (create, write, close, next file) in a group of their own as ProcessGroup starts
 * pg_dump, with the open files read from /proc; and where /proc cannot tell (no procfs, as on
 * macOS, or a group whose processes cannot be seen), nothing is reported before the writer exits.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FinishedFiles, openFilesOf } from "../../../runtime/lib/backup/finishedFiles";
import { signalGroup } from "../../../runtime/lib/postgres/processes";
import { isRunning, waitUntil } from "../../support/processes";

let dir: string;
let gate: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-finished-"));
  gate = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-finished-gate-"));
});
afterEach(() => {
  for (const d of [dir, gate]) rmSync(d, { recursive: true, force: true });
});

/**
 * A writer like pg_dump's workers: each file is opened, written in steps until its gate file
 * exists, then closed. It runs under a leader shell, in a process group of its own (as pg_dump
 * and its workers do under ProcessGroup). With `leaderExits`, the leader exits at once and leaves
 * the writer running in the group (re-parented, no longer its descendant).
 */
function startWriter(files: string[], options: { leaderExits?: boolean } = {}) {
  const script = files
    .map(
      (name) =>
        `exec 3>"${name}"; echo start >&3; while [ ! -e "${gate}/${name}" ]; do echo more >&3; sleep 0.02; done; exec 3>&-`,
    )
    .join("\n");
  const quoted = `'${script.replace(/'/g, "'\\''")}'`;
  const leader = options.leaderExits ? `bash -c ${quoted} & echo $! > "${gate}/pid"` : `bash -c ${quoted} & wait`;
  const child = spawn("bash", ["-c", leader], { cwd: dir, stdio: "ignore", detached: true });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const release = (name: string) => writeFileSync(path.join(gate, name), "");
  return { group: child.pid!, exited, release };
}

const isOpen = async (group: number, name: string) => (await openFilesOf(group))?.has(path.join(dir, name)) ?? false;

test("a file is reported once its writer closed it, never while it is open, each file once", async () => {
  const writer = startWriter(["toc.dat", "3414.dat.gz", "3416.dat.gz"]);
  const finished = new FinishedFiles(dir, writer.group);
  try {
    await waitUntil("the writer has opened toc.dat", () => isOpen(writer.group, "toc.dat"));
    expect(await finished.poll()).toEqual([]);
    writer.release("toc.dat");
    let reported: string[] = [];
    await waitUntil("toc.dat is reported finished", async () => (reported = await finished.poll()).length > 0);
    expect(reported).toEqual(["toc.dat"]);
    // the next file is open now: not finished, and toc.dat is not reported again
    await waitUntil("the writer has opened 3414.dat.gz", () => isOpen(writer.group, "3414.dat.gz"));
    expect(await finished.poll()).toEqual([]);
    writer.release("3414.dat.gz");
    writer.release("3416.dat.gz");
    await writer.exited;
    expect((await finished.poll()).sort()).toEqual(["3414.dat.gz", "3416.dat.gz"]);
    expect(await finished.poll(true)).toEqual([]);
  } finally {
    signalGroup(writer.group, "SIGKILL");
  }
});

test("a writer whose leader has exited still counts: the whole process group is read, not the leader's children", async () => {
  const writer = startWriter(["toc.dat"], { leaderExits: true });
  const finished = new FinishedFiles(dir, writer.group);
  try {
    await writer.exited;
    await waitUntil("the orphaned writer has opened toc.dat", () => isOpen(writer.group, "toc.dat"));
    expect(await finished.poll()).toEqual([]);
    writer.release("toc.dat");
    const orphan = Number(readFileSync(path.join(gate, "pid"), "utf8"));
    await waitUntil("the orphaned writer exited", () => !isRunning(orphan));
    expect(await finished.poll()).toEqual(["toc.dat"]);
  } finally {
    signalGroup(writer.group, "SIGKILL");
  }
});

test("without procfs (macOS), nothing is reported while the writer runs, everything once it has exited", async () => {
  const writer = startWriter(["toc.dat", "3414.dat.gz"]);
  const noProc = path.join(dir, "no-proc-here");
  const finished = new FinishedFiles(dir, writer.group, (group) => openFilesOf(group, noProc));
  try {
    await waitUntil("the writer has opened 3414.dat.gz", async () => {
      writer.release("toc.dat");
      return isOpen(writer.group, "3414.dat.gz");
    });
    expect(await openFilesOf(writer.group, noProc)).toBeUndefined();
    // toc.dat is closed, but without /proc that cannot be known
    expect(await finished.poll()).toEqual([]);
    writer.release("3414.dat.gz");
    await writer.exited;
    expect(await finished.poll()).toEqual([]);
    expect((await finished.poll(true)).sort()).toEqual(["3414.dat.gz", "toc.dat"]);
  } finally {
    signalGroup(writer.group, "SIGKILL");
  }
});

test("a group that exists but none of whose processes can be seen is unknown, not empty", async () => {
  const writer = startWriter(["toc.dat"]);
  try {
    await waitUntil("the writer has opened toc.dat", () => isOpen(writer.group, "toc.dat"));
    // a /proc that lists no process (hidepid, or not procfs at all)
    expect(await openFilesOf(writer.group, gate)).toBeUndefined();
  } finally {
    signalGroup(writer.group, "SIGKILL");
  }
});

test("where open files cannot be read, nothing is reported until the writer exited", async () => {
  writeFileSync(path.join(dir, "toc.dat"), "done");
  const blind = new FinishedFiles(dir, 12345, async () => undefined);
  expect(await blind.poll()).toEqual([]);
  expect(await blind.poll(true)).toEqual(["toc.dat"]);
  const noWriter = new FinishedFiles(dir, undefined);
  expect(await noWriter.poll()).toEqual([]);
});

test("openFilesOf a process group that is gone: nothing open", async () => {
  const child = spawn("true", [], { detached: true });
  await new Promise((resolve) => child.once("exit", resolve));
  expect(await openFilesOf(child.pid!)).toEqual(new Set());
});
