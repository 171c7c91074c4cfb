/**
 * How the directory form knows that pg_dump has finished a file: it is in the directory and no
 * process of pg_dump's tree holds it open. Checked with real processes that write the way pg_dump
 * does (create, write, close, next file), and with the open files read from /proc.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FinishedFiles, openFilesOf } from "../../../runtime/lib/backup/finishedFiles";
import { waitUntil } from "../../support/processes";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-finished-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A writer like pg_dump's workers, under a wrapper shell (so the writer is a grandchild): each file
 * is opened, written in steps while `release` does not exist, then closed. Returns the wrapper.
 */
function startWriter(files: string[], gate: string) {
  const script = files
    .map(
      (name) =>
        `exec 3>"${name}"; echo start >&3; while [ ! -e "${gate}.${name}" ]; do echo more >&3; sleep 0.02; done; exec 3>&-`,
    )
    .join("\n");
  const child = spawn("bash", ["-c", `bash -c '${script.replace(/'/g, "'\\''")}' & wait`], {
    cwd: dir,
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, exited };
}

test("a file is reported once its writer closed it, never while it is open, each file once", async () => {
  const gate = path.join(dir, "..", `gate-${path.basename(dir)}`);
  const writer = startWriter(["toc.dat", "3414.dat.gz", "3416.dat.gz"], gate);
  const finished = new FinishedFiles(dir, writer.child.pid);
  try {
    await waitUntil(
      "the writer has opened toc.dat",
      async () => (await openFilesOf(writer.child.pid!))?.has(path.join(dir, "toc.dat")) ?? false,
    );
    expect(await finished.poll()).toEqual([]);
    writeFileSync(`${gate}.toc.dat`, "");
    let reported: string[] = [];
    await waitUntil("toc.dat is reported finished", async () => (reported = await finished.poll()).length > 0);
    expect(reported).toEqual(["toc.dat"]);
    // the next file is open now: not finished, and toc.dat is not reported again
    await waitUntil(
      "3414.dat.gz exists",
      async () => (await openFilesOf(writer.child.pid!))?.has(path.join(dir, "3414.dat.gz")) ?? false,
    );
    expect(await finished.poll()).toEqual([]);
    writeFileSync(`${gate}.3414.dat.gz`, "");
    writeFileSync(`${gate}.3416.dat.gz`, "");
    await writer.exited;
    expect((await finished.poll()).sort()).toEqual(["3414.dat.gz", "3416.dat.gz"]);
    expect(await finished.poll(true)).toEqual([]);
  } finally {
    writer.child.kill("SIGKILL");
    for (const f of ["toc.dat", "3414.dat.gz", "3416.dat.gz"]) rmSync(`${gate}.${f}`, { force: true });
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

test("openFilesOf a process that is gone: nothing open", async () => {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  expect(await openFilesOf(child.pid!)).toEqual(new Set());
});
