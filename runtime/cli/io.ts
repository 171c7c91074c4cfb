import { CommandIO } from "./command";

/** CommandIO over real streams: progress is redrawn in place on a terminal and dropped elsewhere. */
export function streamIO(
  json: boolean,
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): CommandIO & { finish(): void } {
  const interactive = Boolean(stderr.isTTY) && !json;
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) {
      stderr.write("\r\x1b[2K");
      progressShown = false;
    }
  };
  return {
    json,
    interactive,
    progress(text) {
      if (!interactive) return;
      stderr.write(`\r\x1b[2K${text}`);
      progressShown = true;
    },
    info(text) {
      clearProgress();
      stderr.write(`${text}\n`);
    },
    result(data, human) {
      clearProgress();
      if (json) stdout.write(`${JSON.stringify(data)}\n`);
      else if (human) stdout.write(human.endsWith("\n") ? human : `${human}\n`);
    },
    finish: clearProgress,
  };
}

// The text formatting lives in the engine (drill reports use it too); re-exported for the commands.
export { formatBytes, formatDuration, formatTable } from "../lib/text/format";
