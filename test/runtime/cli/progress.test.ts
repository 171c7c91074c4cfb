/**
 * The progress the backup and restore commands draw on a terminal: each command run in-process
 * with a captured CommandIO that says it is interactive, against a real cluster and a directory store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CliCommand, CommandIO } from "../../../runtime/cli/command";
import { backupCommand } from "../../../runtime/cli/commands/backup";
import { restoreCommand } from "../../../runtime/cli/commands/restore";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { createDatabase, startTestCluster } from "../../support/postgres";

let cluster: LocalCluster;
let sourceUrl: string;
let work: string;
let store: string;

beforeAll(async () => {
  cluster = await startTestCluster("cli-progress");
  sourceUrl = await createDatabase(cluster, "source");
  await generateBloomDatabase(sourceUrl, 0.01);
  work = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-progress-test-"));
  store = path.join(work, "store");
});

afterAll(async () => {
  await cluster?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What a terminal would show: every progress text, info line and the result, in order of arrival. */
function terminalIO() {
  const seen = { progress: [] as string[], info: [] as string[], data: undefined as Record<string, any> | undefined };
  const io: CommandIO = {
    json: false,
    interactive: true,
    progress: (text) => void seen.progress.push(text),
    info: (text) => void seen.info.push(text),
    result: (data) => void (seen.data = data),
  };
  return { io, seen };
}

async function runCommand(command: CliCommand, values: Record<string, string>) {
  const { io, seen } = terminalIO();
  const code = await command.run({ values, positionals: [], io, signal: new AbortController().signal });
  return { code, seen };
}

/** "1.5 KiB" → 1536 (to one decimal of its unit). */
function bytesOf(text: string): number {
  const [value, unit] = text.split(" ");
  return Number(value) * 1024 ** ["B", "KiB", "MiB", "GiB"].indexOf(unit);
}

test("backup draws the bytes written and the rate, growing up to the dump's size", async () => {
  const { code, seen } = await runCommand(backupCommand, { db: sourceUrl, store });
  expect(code).toBe(0);
  expect(seen.progress.length).toBeGreaterThanOrEqual(1);
  const pattern = /^backup: (\d+(?:\.\d)? (?:B|KiB|MiB)) written, \d+(?:\.\d)? (?:B|KiB|MiB)\/s$/;
  for (const text of seen.progress) expect(text).toMatch(pattern);
  const drawn = seen.progress.map((t) => bytesOf(pattern.exec(t)![1]));
  expect(drawn[0]).toBeGreaterThan(0);
  expect([...drawn].sort((a, b) => a - b)).toEqual(drawn);
  // formatBytes rounds to one decimal: allow that much above the exact size
  expect(drawn[drawn.length - 1]).toBeLessThanOrEqual(seen.data!.bytes * 1.05);
});

test("restore draws each phase's label as it starts, in order", async () => {
  const targetUrl = await createDatabase(cluster, "target");
  const { code, seen } = await runCommand(restoreCommand, { store, backup: "latest", target: targetUrl, jobs: "2" });
  expect(code).toBe(0);
  expect(seen.progress).toEqual([
    "restore: reading the manifest, connecting to the target and checking it…",
    "restore: checking the dump's sha256 and size (downloading it from a remote store)…",
    "restore: pg_restore into the target…",
    "restore: checking every table's row count against the manifest…",
  ]);
  expect(seen.info).toEqual([]);
});
