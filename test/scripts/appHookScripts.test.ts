/**
 * The scripts @pulumi/command runs after a failover switch (scripts/waitHealthy.js,
 * scripts/redeployHook.js), run as `pulumi up` runs them (`node <script>`, settings in the
 * environment, names from components/appHooks.ts) against a real HTTP server on loopback.
 */
import { execFile } from "node:child_process";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { HOOK_ENV, REDEPLOY_HOOK_SCRIPT, WAIT_HEALTHY_SCRIPT } from "../../components/appHooks";

const ROOT = path.resolve(__dirname, "../..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <script>` from the project directory (where `pulumi up` runs) with only these variables. */
function run(script: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [script],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    ),
  );
}

/** An HTTP server answering each request with the next status of `statuses` (the last one repeats). */
async function serve(statuses: number[]): Promise<{ url: string; requests: IncomingMessage[]; server: Server }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    const status = statuses[Math.min(requests.length, statuses.length - 1)];
    requests.push(request);
    request.resume();
    response.writeHead(status, { "content-type": "text/plain" }).end(`status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, server };
}

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

async function started(statuses: number[]) {
  const started = await serve(statuses);
  servers.push(started.server);
  return started;
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("waitHealthy.js", () => {
  const health = (url: string, timeoutSeconds = "5", intervalSeconds = "0.05") => ({
    [HOOK_ENV.healthUrl]: url,
    [HOOK_ENV.healthTimeoutSeconds]: timeoutSeconds,
    BLOOM_DR_HEALTH_INTERVAL_SECONDS: intervalSeconds,
  });

  test("a healthy app: exit 0 after one request", async () => {
    const app = await started([200]);
    const result = await run(WAIT_HEALTHY_SCRIPT, health(`${app.url}/api/health`));
    expect(result).toEqual({
      code: 0,
      stdout: `healthy: ${app.url}/api/health: HTTP 200 (attempt 1)\n`,
      stderr: "",
    });
    expect(app.requests.map((r) => [r.method, r.url])).toEqual([["GET", "/api/health"]]);
  });

  test("an app that becomes healthy after three polls: exit 0 on the fourth, each change of answer reported", async () => {
    const app = await started([503, 503, 503, 204]);
    const result = await run(WAIT_HEALTHY_SCRIPT, health(`${app.url}/api/health`));
    expect(result.code).toBe(0);
    expect(app.requests).toHaveLength(4);
    expect(result.stdout).toBe(`healthy: ${app.url}/api/health: HTTP 204 (attempt 4)\n`);
    expect(result.stderr).toBe(`waiting: ${app.url}/api/health: HTTP 503 (attempt 1)\n`);
  });

  test("an app that never becomes healthy: exit 1 with the URL and the last status once the timeout passed", async () => {
    const app = await started([500, 503]);
    const result = await run(WAIT_HEALTHY_SCRIPT, health(`${app.url}/api/health`, "1", "0.1"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual([
      `waiting: ${app.url}/api/health: HTTP 500 (attempt 1)`,
      `waiting: ${app.url}/api/health: HTTP 503 (attempt 2)`,
    ]);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^health check failed: ${app.url.replace(/\./g, "\\.")}/api/health was not healthy within 1 s \\((\\d+) attempts; last answer: HTTP 503\\): check the app's deployment and its logs, then run pulumi up again$`,
      ),
    );
    const attempts = Number(/\((\d+) attempts/.exec(lines.at(-1)!)![1]);
    expect(attempts).toBe(app.requests.length);
    expect(attempts).toBeGreaterThan(2);
  });

  test("nothing listening: the last answer names the connection error", async () => {
    const port = await closedPort();
    const result = await run(WAIT_HEALTHY_SCRIPT, health(`http://127.0.0.1:${port}/api/health`, "0.3", "0.1"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `health check failed: http://127.0.0.1:${port}/api/health was not healthy within 0.3 s (`,
    );
    expect(result.stderr).toContain("last answer: no connection (ECONNREFUSED))");
  });

  test("a URL with credentials is refused (exit 2) without printing them", async () => {
    const app = await started([200]);
    const withCredentials = app.url.replace("http://", "http://admin:hunter2@");
    const result = await run(WAIT_HEALTHY_SCRIPT, health(`${withCredentials}/api/health`));
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "waitHealthy: BLOOM_DR_HEALTH_URL must not carry credentials (user:password@)\n",
    });
    expect(app.requests).toHaveLength(0);
  });

  test.each([
    [{}, "waitHealthy: BLOOM_DR_HEALTH_URL must be an http:// or https:// URL (bloom-dr:failover.app.healthUrl)"],
    [
      { [HOOK_ENV.healthUrl]: "ftp://x/health", [HOOK_ENV.healthTimeoutSeconds]: "5" },
      "must be an http:// or https:// URL (got ftp:)",
    ],
    [{ [HOOK_ENV.healthUrl]: "https://x/health" }, "waitHealthy: BLOOM_DR_HEALTH_TIMEOUT_SECONDS is required"],
    [
      { [HOOK_ENV.healthUrl]: "https://x/health", [HOOK_ENV.healthTimeoutSeconds]: "soon" },
      'waitHealthy: BLOOM_DR_HEALTH_TIMEOUT_SECONDS must be a positive number of seconds (got "soon")',
    ],
  ])("bad settings %j: exit 2 with one line", async (env, message) => {
    const result = await run(WAIT_HEALTHY_SCRIPT, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("redeployHook.js", () => {
  const TOKEN_PATH = "/v1/integrations/deploy/prj_1/s3cr3t-token";
  const hook = (url: string, extra: Record<string, string> = {}) => ({
    [HOOK_ENV.redeployHookUrl]: url,
    BLOOM_DR_REDEPLOY_RETRY_SECONDS: "0.05",
    ...extra,
  });
  const neverShowsToken = (result: Run) => expect(result.stdout + result.stderr).not.toContain("s3cr3t");

  test("POSTs once; 2xx is success, and only the origin is printed", async () => {
    const app = await started([201]);
    const result = await run(REDEPLOY_HOOK_SCRIPT, hook(`${app.url}${TOKEN_PATH}`));
    expect(result).toEqual({
      code: 0,
      stdout: `redeploy hook accepted: HTTP 201 from ${app.url} (attempt 1)\n`,
      stderr: "",
    });
    expect(app.requests.map((r) => [r.method, r.url])).toEqual([["POST", TOKEN_PATH]]);
  });

  test("a 5xx answer is retried; success on the third attempt", async () => {
    const app = await started([502, 503, 200]);
    const result = await run(REDEPLOY_HOOK_SCRIPT, hook(`${app.url}${TOKEN_PATH}`));
    expect(result.code).toBe(0);
    expect(app.requests).toHaveLength(3);
    expect(result.stderr).toBe(
      [
        `redeploy hook: HTTP 502 from ${app.url}; retrying (attempt 2 of 3)`,
        `redeploy hook: HTTP 503 from ${app.url}; retrying (attempt 3 of 3)`,
        "",
      ].join("\n"),
    );
    neverShowsToken(result);
  });

  test("a 4xx answer (a wrong or revoked hook) fails at once with exit 1, the token not shown", async () => {
    const app = await started([404]);
    const result = await run(REDEPLOY_HOOK_SCRIPT, hook(`${app.url}${TOKEN_PATH}`));
    expect(result.code).toBe(1);
    expect(app.requests).toHaveLength(1);
    expect(result.stderr).toBe(
      `redeploy hook failed: HTTP 404 from ${app.url} (the hook's path is a secret and not shown): check bloom-dr:failover.app.redeployHookUrl, or redeploy the app by hand, then run pulumi up again\n`,
    );
    neverShowsToken(result);
  });

  test("an unreachable hook fails after the attempts, naming the connection error", async () => {
    const port = await closedPort();
    const result = await run(
      REDEPLOY_HOOK_SCRIPT,
      hook(`http://127.0.0.1:${port}${TOKEN_PATH}`, { BLOOM_DR_REDEPLOY_ATTEMPTS: "2" }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n").at(-1)).toBe(
      `redeploy hook failed: no answer from http://127.0.0.1:${port} (ECONNREFUSED) (the hook's path is a secret and not shown): check bloom-dr:failover.app.redeployHookUrl, or redeploy the app by hand, then run pulumi up again`,
    );
    neverShowsToken(result);
  });

  test.each([
    [{}, "redeployHook: BLOOM_DR_REDEPLOY_HOOK_URL must be the app's deploy hook URL"],
    [
      { [HOOK_ENV.redeployHookUrl]: "http://hooks.example.com/deploy/s3cr3t-token" },
      "redeployHook: BLOOM_DR_REDEPLOY_HOOK_URL must be an https:// URL (the value is not shown: it is a secret)",
    ],
    [
      { [HOOK_ENV.redeployHookUrl]: "https://hooks.example.com/s3cr3t", BLOOM_DR_REDEPLOY_ATTEMPTS: "0" },
      'redeployHook: BLOOM_DR_REDEPLOY_ATTEMPTS is not valid (got "0")',
    ],
  ])("bad settings %#: exit 2 without the value", async (env, message) => {
    const result = await run(REDEPLOY_HOOK_SCRIPT, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    neverShowsToken(result);
  });
});
