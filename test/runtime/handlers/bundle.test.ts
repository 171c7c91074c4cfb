/**
 * The esbuild bundle the Lambda image ships: built by the same script the Dockerfile runs, then
 * loaded and called — in this process (the cores, with injected dependencies) and in fresh `node`
 * processes the way Lambda and ECS start them (the exported handlers and the Fargate entry point,
 * configured only by environment variables) — against PostgreSQL, s3rver and a Secrets Manager
 * server on loopback.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { IMAGE_INPUTS } from "../../../components/imageTag";
import { FARGATE_BACKUP_COMMAND, HANDLER_COMMANDS } from "../../../components/jobEnvironment";
import { bundleHandlers, BundleResult, HANDLER_ENTRIES, OPTIONAL_EXTERNALS } from "../../../runtime/build/bundle";
import { HEALTH_PROBE_HANDLER } from "../../../runtime/handlers/healthProbeSettings";
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { createDatabase, startTestCluster, tableDigests } from "../../support/postgres";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";

const DOCKERFILE = path.resolve(__dirname, "..", "..", "..", "runtime", "Dockerfile");
/** The promotion step's image command override (the contract with the dr stack's promotion step). */
const PROMOTE_HANDLER = "runtime/handlers/promote.handler";
const APP_PASSWORD = "bundle-app-password-0123";

let out: string;
let bundle: BundleResult;
let cluster: LocalCluster;
let src: string;
let s3: TestS3Server;
let sm: SecretsManagerServer;
let baseEnv: NodeJS.ProcessEnv;

/** Runs a snippet in a fresh node process (no jest, no tsx): only the bundle and the environment. */
function node(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], {
      env: { PATH: process.env.PATH, ...env },
      cwd: bundle.outdir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The way the Lambda runtime calls a handler string such as "runtime/handlers/dump.handler". */
function invokeScript(handlerString: string): string {
  const [file, fn] = [
    handlerString.slice(0, handlerString.lastIndexOf(".")),
    handlerString.slice(handlerString.lastIndexOf(".") + 1),
  ];
  return `require(${JSON.stringify(`./${file}.js`)})[${JSON.stringify(fn)}]({}, { getRemainingTimeInMillis: () => 900000 })
    .then((r) => console.log("RESULT " + JSON.stringify(r)), (e) => { console.error("ERROR " + e.message); process.exitCode = 1; });`;
}

function emfLines(stdout: string): Record<string, any>[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith('{"_aws"'))
    .map((l) => JSON.parse(l));
}

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-bundle-"));
  [bundle, cluster, s3, sm] = await Promise.all([
    bundleHandlers(path.join(out, "dist")),
    startTestCluster("bundle"),
    startS3Server(),
    startSecretsManagerServer(),
  ]);
  src = await createDatabase(cluster, "bloom_src");
  await generateBloomDatabase(src, 0.01);
  await createDatabase(cluster, "standby");
  baseEnv = {
    ...s3.env,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    BACKUP_BUCKET: s3.bucket,
    BACKUP_PREFIX: "bundle/",
    SOURCE_URL_SECRET_ARN: sm.put("bloom-dr/source-url", src),
    RESTORE_TARGET_SECRET_ARN: sm.put(
      "rds!db-standby",
      JSON.stringify({ username: cluster.superuser, password: cluster.password }),
    ),
    RESTORE_TARGET_HOST: "127.0.0.1",
    FAILOVER_MODE: "standby",
    RESTORE_TARGET_PORT: String(cluster.port),
    RESTORE_TARGET_DATABASE: "standby",
    RESTORE_TARGET_SSLMODE: "disable",
    PROMOTE_APP_PASSWORD_SECRET_ARN: sm.put("bloom-dr/app-password", APP_PASSWORD),
  };
});

afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop(), sm?.close()]);
  if (out) rmSync(out, { recursive: true, force: true });
});

test("the bundle holds one self-contained file per entry point, where the image's handler strings point", () => {
  for (const file of Object.values(bundle.files)) expect(existsSync(file)).toBe(true);
  const dockerCmd = /^CMD \["([^"]+)"\]$/m.exec(readFileSync(DOCKERFILE, "utf8"))?.[1];
  expect(dockerCmd).toBe(HANDLER_COMMANDS.backup);
  for (const handlerString of Object.values(HANDLER_COMMANDS)) {
    expect(existsSync(path.join(bundle.outdir, `${handlerString.slice(0, handlerString.lastIndexOf("."))}.js`))).toBe(
      true,
    );
  }
  expect(existsSync(path.join(bundle.outdir, FARGATE_BACKUP_COMMAND[1]))).toBe(true);
  // self-contained: no require of a package that would have to be in node_modules
  const requires = new Set(
    [...readFileSync(bundle.files.dump, "utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]),
  );
  const builtins: string[] = require("node:module").builtinModules;
  const external = [...requires].filter(
    (r) => !builtins.includes(r.replace(/^node:/, "")) && !(OPTIONAL_EXTERNALS as readonly string[]).includes(r),
  );
  expect(external).toEqual([]);
});

test("the promotion step's entry is bundled, and the image's load check covers every Lambda handler", () => {
  expect(HANDLER_ENTRIES).toContain("promote");
  expect(existsSync(path.join(bundle.outdir, `${PROMOTE_HANDLER.slice(0, PROMOTE_HANDLER.lastIndexOf("."))}.js`))).toBe(
    true,
  );
  const loadCheck = /for \(const h of (\[[^\]]*\])\)/.exec(readFileSync(DOCKERFILE, "utf8"))?.[1];
  expect(JSON.parse(loadCheck!)).toEqual(HANDLER_ENTRIES.filter((entry) => entry !== "dumpTask"));
});

test("every bundled source file is one the Dockerfile copies and the image tag hashes", () => {
  const sources = bundle.inputs.filter((file) => !file.startsWith("node_modules/"));
  expect(sources).toContain("runtime/handlers/dump.ts");
  const outside = sources.filter(
    (file) => !IMAGE_INPUTS.some((input) => file === input || file.startsWith(`${input}/`)),
  );
  expect(outside).toEqual([]);
  const dockerfile = readFileSync(DOCKERFILE, "utf8");
  const copied = dockerfile
    .split("\n")
    .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
    .flatMap((line) =>
      line
        .split(/\s+/)
        .slice(1, -1)
        .map((token) => token.replace(/\/$/, "")),
    );
  expect([...copied].sort()).toEqual([...IMAGE_INPUTS].sort());
  // and the build context lets each of them through (runtime/Dockerfile.dockerignore ignores everything else)
  const allowed = readFileSync(`${DOCKERFILE}.dockerignore`, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("!"))
    .map((line) => line.slice(1).replace(/\/$/, ""));
  expect([...allowed].sort()).toEqual([...IMAGE_INPUTS].sort());
});

test("the bundled dump core, loaded in-process, runs a backup with injected dependencies", async () => {
  const dump = require(bundle.files.dump);
  expect(typeof dump.handler).toBe("function");
  const lines: string[] = [];
  const outcome = await dump.runDumpJob({
    ...dump.defaultDependencies(baseEnv),
    writeLine: (l: string) => lines.push(l),
  });
  expect(outcome).toMatchObject({ ok: true, store: `s3://${s3.bucket}/bundle` });
  expect(await s3.listKeys("bundle/")).toContain(`bundle/${outcome.id}.dump`);
  expect(emfLines(lines.join("\n"))[0]).toMatchObject({ BackupSucceeded: 1, Prefix: "bundle/" });
});

test("dump.handler in a fresh node process (as Lambda invokes it): a backup in S3 and EMF lines on stdout", async () => {
  const before = await s3.listKeys("bundle/");
  const run = await node(invokeScript(HANDLER_COMMANDS.backup), baseEnv);
  expect(run.stderr).not.toMatch(/^ERROR/m);
  expect(run.code).toBe(0);
  const result = JSON.parse(/^RESULT (.*)$/m.exec(run.stdout)![1]);
  expect(await s3.listKeys("bundle/")).toEqual(
    [
      ...before.filter((k) => k !== "bundle/latest.json"),
      `bundle/${result.id}.dump`,
      `bundle/${result.id}.json`,
      "bundle/latest.json",
    ].sort(),
  );
  expect(emfLines(run.stdout)[0]).toMatchObject({ BackupSucceeded: 1, BackupFailed: 0, BackupBytes: result.bytes });
  expect(run.stdout + run.stderr).not.toContain(cluster.password);
});

test("dump.handler rejects (the invocation is an error) when the backup fails", async () => {
  const run = await node(invokeScript(HANDLER_COMMANDS.backup), {
    ...baseEnv,
    SOURCE_URL_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf",
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(
    /^ERROR backup to s3:\/\/bloom-vault\/bundle failed: cannot read secret .*ResourceNotFoundException/m,
  );
  expect(emfLines(run.stdout)[0]).toMatchObject({ BackupSucceeded: 0, BackupFailed: 1 });
});

test("restoreTest.handler in a fresh node process restores the newest backup into the standby", async () => {
  const run = await node(invokeScript(HANDLER_COMMANDS.restoreTest), {
    ...baseEnv,
    RESTORE_SMOKE_QUERY: "SELECT count(*) FROM reservations",
  });
  expect(run.stderr).not.toMatch(/^ERROR/m);
  expect(run.code).toBe(0);
  const result = JSON.parse(/^RESULT (.*)$/m.exec(run.stdout)![1]);
  expect(result).toMatchObject({ ok: true, tables: 5, smokeQueryRows: 1 });
  expect(await tableDigests(cluster.url("standby"))).toEqual(await tableDigests(src));
  expect(emfLines(run.stdout)[0]).toMatchObject({ RestoreSucceeded: 1, RestoreFailed: 0 });
});

test("healthProbe.handler in a fresh node process: the database is up, EMF metrics on stdout, the image's load check names it", async () => {
  const run = await node(invokeScript(HEALTH_PROBE_HANDLER), {
    ...baseEnv,
    HEALTH_PROBE_SECRET_ARN: sm.put("bloom-dr/monitor-urls", JSON.stringify({ direct: src, pooled: src })),
    HEALTH_PROBE_DATABASE: "bundle/bloom",
  });
  expect(run.stderr).not.toMatch(/^ERROR/m);
  expect(run.code).toBe(0);
  expect(JSON.parse(/^RESULT (.*)$/m.exec(run.stdout)![1])).toMatchObject({ status: "up", database: "bundle/bloom" });
  expect(emfLines(run.stdout)[0]).toMatchObject({ ProbeCompleted: 1, EndpointsUp: 2, Database: "bundle/bloom" });
  expect(run.stdout + run.stderr).not.toContain(cluster.password);
  expect(HANDLER_ENTRIES).toContain("healthProbe"); // and so the image's load check names it (checked above)
});

test("promote.handler in a fresh node process (as the stack's Invocation calls it) promotes the standby the restore test left", async () => {
  const run = await node(invokeScript(PROMOTE_HANDLER), {
    ...baseEnv,
    FAILOVER_MODE: "active",
    RESTORE_SMOKE_QUERY: "SELECT count(*) FROM reservations",
  });
  expect(run.stderr).not.toMatch(/^ERROR/m);
  expect(run.code).toBe(0);
  const result = JSON.parse(/^RESULT (.*)$/m.exec(run.stdout)![1]);
  expect(Object.keys(result).sort()).toEqual(
    ["appRole", "backupId", "ok", "path", "phases", "rpoSeconds", "servingSince", "snapshotAt", "totalMs"].sort(),
  );
  expect(result).toMatchObject({ ok: true, path: "fast", appRole: "bloom_app" });
  expect(await tableDigests(cluster.url("standby"))).toEqual(await tableDigests(src));
  expect(run.stdout + run.stderr).not.toContain(APP_PASSWORD);
  expect(run.stdout + run.stderr).not.toContain(cluster.password);

  const again = await node(invokeScript(PROMOTE_HANDLER), { ...baseEnv, FAILOVER_MODE: "active" });
  expect(JSON.parse(/^RESULT (.*)$/m.exec(again.stdout)![1])).toMatchObject({
    path: "already-serving",
    backupId: result.backupId,
    servingSince: result.servingSince,
  });
});

test("promote.handler rejects with one line (the Invocation fails pulumi up) when promotion is refused", async () => {
  const run = await node(invokeScript(PROMOTE_HANDLER), {
    ...baseEnv,
    FAILOVER_MODE: "active",
    RESTORE_TARGET_DATABASE: "no_such_database",
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(
    /^ERROR promote of 127\.0\.0\.1:\d+\/no_such_database failed: cannot connect to the target database .*no_such_database.* does not exist; check the URL, the user and the password$/m,
  );
  expect(run.stdout + run.stderr).not.toContain(cluster.password);
});

test("replicate.handler in a fresh node process: status of a database that is no replica reports it in metrics; an unknown event is one error line", async () => {
  const replicateEnv = {
    ...baseEnv,
    REPLICATE_SOURCE_SECRET_ARN: sm.put("bloom-dr/replication-url", src),
    REPLICATE_METRIC_DIMENSION: "bundle/bloom_dr",
  };
  const invoke = (event: unknown) =>
    `require("./runtime/handlers/replicate.js").handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 60000 })
      .then((r) => console.log("RESULT " + JSON.stringify(r)), (e) => { console.error("ERROR " + e.message); process.exitCode = 1; });`;
  const run = await node(invoke({ action: "status" }), replicateEnv);
  expect(run.stderr).not.toMatch(/^ERROR/m);
  expect(run.code).toBe(0);
  expect(JSON.parse(/^RESULT (.*)$/m.exec(run.stdout)![1])).toMatchObject({
    ok: false,
    exists: false,
    subscription: "bloom_dr",
  });
  expect(emfLines(run.stdout)[0]).toMatchObject({
    Subscription: "bundle/bloom_dr",
    ReplicationStatusCompleted: 1,
    ReplicationTablesNotSyncing: 1,
  });
  expect(run.stdout + run.stderr).not.toContain(cluster.password);
  const bad = await node(invoke({ action: "nothing" }), replicateEnv);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^ERROR replicate handler: event \{"action":"nothing"\} has no known action/m);
});

test("the Fargate entry point (node runtime/handlers/dumpTask.js) exits 0 after a backup and 1 with a one-line reason", async () => {
  const ok = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(
      FARGATE_BACKUP_COMMAND[0] === "node" ? process.execPath : FARGATE_BACKUP_COMMAND[0],
      [FARGATE_BACKUP_COMMAND[1]],
      { cwd: bundle.outdir, env: { PATH: process.env.PATH, ...baseEnv }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
  expect(ok.code).toBe(0);
  const failed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [FARGATE_BACKUP_COMMAND[1]], {
      cwd: bundle.outdir,
      env: { PATH: process.env.PATH, ...baseEnv, BACKUP_BUCKET: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/^bloom-dr dump task: environment variable BACKUP_BUCKET is not set/m);
});
