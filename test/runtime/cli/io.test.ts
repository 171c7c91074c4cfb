import { streamIO } from "../../../runtime/cli/io";

const CLEAR = "\r\x1b[2K";

/** A stream double that records what is written; `isTTY` decides whether progress is drawn. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { isTTY, write: (chunk: string) => (written.push(chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

function ioOver(options: { tty: boolean; json: boolean }) {
  const stdout = fakeStream(false);
  const stderr = fakeStream(options.tty);
  return { io: streamIO(options.json, stdout.stream, stderr.stream), stdout: stdout.written, stderr: stderr.written };
}

describe("on a terminal", () => {
  test("progress redraws the line in place", () => {
    const { io, stderr } = ioOver({ tty: true, json: false });
    expect(io.interactive).toBe(true);
    io.progress("backup: 1.0 MiB written");
    io.progress("backup: 2.0 MiB written");
    expect(stderr).toEqual([`${CLEAR}backup: 1.0 MiB written`, `${CLEAR}backup: 2.0 MiB written`]);
  });

  test("info clears a shown progress line first, and only once", () => {
    const { io, stderr } = ioOver({ tty: true, json: false });
    io.progress("restore: downloading…");
    io.info("first notice");
    io.info("second notice");
    expect(stderr).toEqual([`${CLEAR}restore: downloading…`, CLEAR, "first notice\n", "second notice\n"]);
  });

  test("result clears a shown progress line before writing stdout", () => {
    const { io, stdout, stderr } = ioOver({ tty: true, json: false });
    io.progress("backup: 3 B written");
    io.result({ ok: true }, "backup done");
    expect(stderr).toEqual([`${CLEAR}backup: 3 B written`, CLEAR]);
    expect(stdout).toEqual(["backup done\n"]);
  });

  test("info without a shown progress line writes no clear sequence", () => {
    const { io, stderr } = ioOver({ tty: true, json: false });
    io.info("plain");
    expect(stderr).toEqual(["plain\n"]);
  });

  test("finish clears a progress line left on screen", () => {
    const { io, stderr } = ioOver({ tty: true, json: false });
    io.progress("drill: step…");
    io.finish();
    io.finish();
    expect(stderr).toEqual([`${CLEAR}drill: step…`, CLEAR]);
  });
});

test.each([
  ["stderr is not a terminal", { tty: false, json: false }, "done\n"],
  ["--json on a terminal", { tty: true, json: true }, '{"ok":true}\n'],
])("%s: no progress is drawn and nothing is cleared", (_case, options, result) => {
  const { io, stdout, stderr } = ioOver(options);
  expect(io.interactive).toBe(false);
  io.progress("backup: 1.0 MiB written");
  io.info("notice");
  io.result({ ok: true }, "done");
  io.finish();
  expect(stderr).toEqual(["notice\n"]);
  expect(stdout).toEqual([result]);
});
