import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pendingTeardowns } from "../../../runtime/lib/local/cleanupRegistry";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { portWasTaken } from "../../../runtime/lib/local/startLog";
import { query } from "../../support/postgres";
import { descendantsStartedSince, isRunning, pidFrom, runningDescendants, waitUntil } from "../../support/processes";
import { processesUnder } from "../platform/leftovers";
import { hangingPgCtl } from "./hangingPgCtl";

/** Processes running before each test: only what the test's operation starts must be gone after it. */
let baseline: string[] = [];
beforeEach(() => {
  baseline = runningDescendants();
});

const ROOT = path.join(__dirname, "..", "..", "..");
let dir: string;
let parent: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-cluster-start-"));
  parent = path.join(dir, "clusters");
  mkdirSync(parent);
  chmodSync(dir, 0o755);
  chmodSync(parent, 0o755); // the server user must reach the cluster inside
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("an abort while pg_ctl start has not returned stops the running server, pg_ctl and what it started", async () => {
  const hanging = hangingPgCtl(path.join(dir, "wrapper"));
  const teardowns = pendingTeardowns();
  const controller = new AbortController();
  const creating = LocalCluster.create({
    name: "hung-start",
    baseDir: parent,
    binaries: hanging.binaries,
    signal: controller.signal,
  }).catch((e: Error) => e);
  await waitUntil("the server runs while pg_ctl start hangs", () => existsSync(hanging.postmasterPidFile));
  const postmaster = pidFrom(hanging.postmasterPidFile);
  const helper = pidFrom(hanging.helperPidFile);
  expect(isRunning(postmaster)).toBe(true);
  controller.abort(new Error("interrupted by SIGINT"));

  expect(((await creating) as Error).message).toBe("interrupted by SIGINT");
  expect([postmaster, helper].filter(isRunning)).toEqual([]);
  expect(descendantsStartedSince(baseline)).toEqual([]);
  expect(processesUnder(parent)).toEqual([]);
  expect(readdirSync(parent)).toEqual([]);
  expect(pendingTeardowns()).toBe(teardowns);
});

test.each(["SIGTERM", "SIGINT"] as const)(
  "%s while pg_ctl start has not returned: the cleanup registry stops the server too",
  async (signal) => {
    const hanging = hangingPgCtl(path.join(dir, "wrapper"));
    const child = spawn(
      process.execPath,
      [
        "--require",
        "tsx/cjs",
        path.join(__dirname, "fixtures", "clusterStartUntilSignal.ts"),
        path.join(dir, "wrapper"),
        parent,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, sig) => resolve(sig)));
    await waitUntil("the server runs while pg_ctl start hangs", () => existsSync(hanging.postmasterPidFile));
    const postmaster = pidFrom(hanging.postmasterPidFile);
    const helper = pidFrom(hanging.helperPidFile);
    expect(isRunning(postmaster)).toBe(true);
    child.kill(signal);

    expect(await exited).toBe(signal);
    expect(stdout).toBe("");
    expect([postmaster, helper].filter(isRunning)).toEqual([]);
    expect(processesUnder(parent)).toEqual([]);
    expect(readdirSync(parent)).toEqual([]);
  },
);

test("a port taken between choosing it and starting the server: the start moves to a free port", async () => {
  const cluster = await LocalCluster.prepare({ name: "port-race", baseDir: parent });
  const taken = cluster.port;
  const squatter = net.createServer();
  await new Promise<void>((resolve, reject) => {
    squatter.once("error", reject);
    squatter.listen(taken, "127.0.0.1", () => resolve());
  });
  try {
    await cluster.initdb();
    cluster.configure({});
    await cluster.start();
    expect(cluster.port).not.toBe(taken);
    expect(await query<{ port: string }>(cluster.url(), "SHOW port")).toEqual([{ port: String(cluster.port) }]);
    expect(readFileSync(cluster.logFile, "utf8")).toMatch(
      /could not bind IPv4 address "127\.0\.0\.1": Address already in use/,
    );
  } finally {
    squatter.close();
    await cluster.destroy();
  }
  expect(processesUnder(parent)).toEqual([]);
});

test.each<[string, string, boolean]>([
  [
    "IPv4 in use",
    '2026-12-01 10:00:00.000 UTC [42] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n2026-12-01 10:00:00.000 UTC [42] HINT:  Is another postmaster already running on port 5433? If not, wait a few seconds and retry.\n2026-12-01 10:00:00.000 UTC [42] FATAL:  could not create any TCP/IP sockets\n',
    true,
  ],
  ["IPv6 in use", 'LOG:  could not bind IPv6 address "::1": Address already in use\n', true],
  [
    "an address that does not exist here",
    'LOG:  could not bind IPv4 address "10.9.9.9": Cannot assign requested address\n',
    false,
  ],
  [
    "a bad setting",
    'LOG:  invalid value for parameter "max_connections": "x"\nFATAL:  configuration file contains errors\n',
    false,
  ],
  ["nothing", "", false],
])("portWasTaken: %s", (_label, log, expected) => {
  expect(portWasTaken(log)).toBe(expected);
});
