/**
 * `bloom-dr incident start|note|resolve` announcing an incident, end to end as child processes:
 * SNS Publish through the real AWS SDK to an SNS-protocol server on loopback, the status page in a
 * directory and in S3 (s3rver through the real SDK), the maintenance toggle of a SEV-1, and the
 * failures that leave the incident recorded.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { SnsServer, startSnsServer } from "../../support/snsServer";
import { CliRun, lines, startCli } from "../cli/runCli";

const SEV1 = "arn:aws:sns:us-east-2:123456789012:alerts-sev1";
const SEV2 = "arn:aws:sns:us-east-2:123456789012:alerts-sev2";
const SEV3 = "arn:aws:sns:us-east-2:123456789012:alerts-sev3";

let sns: SnsServer;
let s3: TestS3Server;
let home: string;

beforeAll(async () => {
  [sns, s3] = await Promise.all([startSnsServer(), startS3Server("bloom-status")]);
  for (const arn of [SEV1, SEV2, SEV3]) sns.topic(arn);
});
afterAll(async () => {
  await Promise.all([sns?.close(), s3?.stop()]);
});
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-notify-"));
  sns.published.splice(0);
  sns.denyPublish(undefined);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function contacts(extra: Record<string, unknown> = {}): void {
  writeFileSync(
    path.join(home, "contacts.json"),
    JSON.stringify({
      "On-call DevOps": "+52 55 1234 5678 (PagerDuty)",
      topics: { sev1: SEV1, sev2: SEV2 },
      ...extra,
    }),
  );
}

function run(...args: string[]): Promise<CliRun> {
  return startCli(args, {
    ...process.env,
    ...s3.env,
    BLOOM_DR_HOME: home,
    // s3.env's credentials sign both: s3rver checks them, the SNS server only that a signature is there
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
  }).done;
}

/** bloom-dr's own stderr lines (the AWS SDK may warn about the Node version on its own lines). */
const ownErrors = (r: CliRun) => lines(r.stderr).filter((l) => l.startsWith("bloom-dr"));
const timeline = (id: string) =>
  readFileSync(path.join(home, "incidents", `${id}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

test("SEV-1 start pages the SEV-1 topic by default, records it, and prints the maintenance toggle", async () => {
  contacts();
  const started = await run("incident", "start", "--sev", "1", "--title", "Database unreachable", "--json");
  expect(ownErrors(started)).toEqual([]);
  expect(started.code).toBe(0);
  const out = JSON.parse(started.stdout);
  const id = out.incident.id;
  expect(sns.published).toHaveLength(1);
  const [message] = sns.published;
  expect(message.topicArn).toBe(SEV1);
  expect(message.subject).toBe("[SEV-1 OPEN] Database unreachable");
  expect(message.message.split("\n")[0]).toBe(`[SEV-1 OPEN] Database unreachable (incident ${id})`);
  expect(message.message).toContain("First responder: On-call DevOps (+52 55 1234 5678 (PagerDuty))");
  expect(message.message).toContain('Next: bloom-dr diagnose --db "$DATABASE_URL"');
  expect(sns.requests.at(-1)).toMatchObject({ action: "Publish", authorized: true });
  expect(out.notified).toEqual({ topicArn: SEV1, messageId: message.messageId });
  expect(out.messages.team).toBe(message.message);
  expect(out.maintenance.on).toEqual([
    "pulumi config set --path 'bloom-dr:maintenance.enabled' true -s 'prod'",
    "pulumi config set --path 'bloom-dr:maintenance.message' 'Bloom no está disponible en este momento. Estamos trabajando para restablecer el servicio. / Bloom is currently unavailable. We are working to restore service.' -s 'prod'",
    "pulumi up -s 'prod'",
  ]);
  expect(timeline(id).map((e) => [e.type, e.channel, e.target, e.detail])).toEqual([
    ["start", undefined, undefined, undefined],
    ["notify", "sns", SEV1, `message ${message.messageId}`],
  ]);
});

test("the human output names the page sent and the exact toggle, for the stack given", async () => {
  contacts();
  const started = await run(
    "incident",
    "start",
    "--sev",
    "1",
    "--title",
    "Neon down",
    "--eta",
    "2030-01-01T14:00:00Z",
    "--stack",
    "acme/bloom-dr/prod",
  );
  expect(started.code).toBe(0);
  const out = lines(started.stdout);
  expect(out[3]).toBe(`notified ${SEV1} (message ${sns.published[0].messageId})`);
  expect(out.slice(4)).toEqual([
    "maintenance page (playbook MITIGATE), run:",
    "  pulumi config set --path 'bloom-dr:maintenance.enabled' true -s 'acme/bloom-dr/prod'",
    "  pulumi config set --path 'bloom-dr:maintenance.message' 'Bloom no está disponible en este momento. Estamos trabajando para restablecer el servicio. / Bloom is currently unavailable. We are working to restore service.' -s 'acme/bloom-dr/prod'",
    "  pulumi config set --path 'bloom-dr:maintenance.eta' '2030-01-01T14:00:00.000Z' -s 'acme/bloom-dr/prod'",
    "  pulumi up -s 'acme/bloom-dr/prod'",
  ]);
});

test("SEV-3 is not paged by default; --notify pages its topic; --no-notify silences a SEV-1", async () => {
  contacts();
  expect((await run("incident", "start", "--sev", "3", "--title", "Reports slow")).code).toBe(0);
  expect(sns.published).toEqual([]);
  const noted = await run("incident", "note", "index added", "--notify", "--topic-arn", SEV3, "--json");
  expect(noted.code).toBe(0);
  expect(sns.published.map((p) => [p.topicArn, p.subject])).toEqual([[SEV3, "[SEV-3 UPDATE] Reports slow"]]);
  expect(sns.published[0].message).toContain("Update: index added");
  expect((await run("incident", "resolve", "--no-notify")).code).toBe(0);
  expect((await run("incident", "start", "--sev", "1", "--title", "drill", "--no-notify")).code).toBe(0);
  expect(sns.published).toHaveLength(1);
});

test("--notify with no topic for the severity: exit 1 naming the fix, the incident recorded", async () => {
  contacts();
  const started = await run("incident", "start", "--sev", "3", "--title", "Exports failing", "--notify");
  expect(started.code).toBe(1);
  expect(ownErrors(started)).toEqual([
    expect.stringMatching(
      /^bloom-dr incident start: incident \S+-exports-failing started, but --notify has no SNS topic for SEV-3: pass --topic-arn or add "topics": \{"sev3": "<the prod stack's sev3TopicArn>"\} to contacts.json$/,
    ),
  ]);
  expect(readdirSync(path.join(home, "incidents"))).toHaveLength(1);
});

test("SNS refuses (no sns:Publish): exit 1, recorded, and a SEV-1 still gets its maintenance toggle", async () => {
  contacts();
  sns.denyPublish(SEV1);
  const started = await run("incident", "start", "--sev", "1", "--title", "Database unreachable");
  expect(started.code).toBe(1);
  const errors = ownErrors(started);
  expect(errors).toEqual([
    expect.stringMatching(
      new RegExp(
        `^bloom-dr incident start: incident \\S+ started, but publishing to ${SEV1} failed: AuthorizationErrorException: User is not authorized to perform: SNS:Publish on resource: ${SEV1}: check AWS credentials and sns:Publish on the topic$`,
      ),
    ),
  ]);
  expect(started.stderr).toContain("  pulumi config set --path 'bloom-dr:maintenance.enabled' true -s 'prod'");
  const [file] = readdirSync(path.join(home, "incidents"));
  expect(timeline(file.replace(/\.jsonl$/, "")).map((e) => e.type)).toEqual(["start"]);
});

test("the status page in a directory: investigating, updated by a note, operational after the resolve", async () => {
  const dir = path.join(home, "status");
  contacts({ statusStore: dir });
  const started = await run(
    "incident",
    "start",
    "--sev",
    "2",
    "--title",
    "Payments failing",
    "--no-notify",
    "--public",
    "Card payments fail; bookings work.",
    "--json",
  );
  expect(started.code).toBe(0);
  const id = JSON.parse(started.stdout).incident.id;
  expect(JSON.parse(started.stdout).status).toEqual({
    store: `file://${dir}`,
    keys: ["index.html", "status.txt", "status.json"],
    state: "investigating",
  });
  const read = (key: string) => readFileSync(path.join(dir, key), "utf8");
  expect(JSON.parse(read("status.json"))).toMatchObject({
    state: "investigating",
    severity: "SEV-2",
    title: "Payments failing",
    message: {
      en: "Some Bloom features are not working correctly. We are working on it. Card payments fail; bookings work.",
    },
    eta: null,
    incident: id,
  });

  expect(
    (await run("incident", "note", "provider contacted", "--no-notify", "--eta", "2030-01-01T15:00:00Z")).code,
  ).toBe(0);
  expect(JSON.parse(read("status.json")).eta).toBe("2030-01-01T15:00:00.000Z");
  expect(read("status.txt")).toMatch(/^SEV-2 investigating: .* ETA 2030-01-01 15:00 UTC\)\n$/);

  const resolved = await run("incident", "resolve", "fixed", "--no-notify");
  expect(resolved.code).toBe(0);
  expect(lines(resolved.stdout)[2]).toBe(
    `status page (operational): file://${dir} (index.html, status.txt, status.json)`,
  );
  expect(JSON.parse(read("status.json"))).toMatchObject({ state: "operational", title: "All systems operational" });
  expect(read("index.html")).toContain("<h1>All systems operational</h1>");
  expect(
    timeline(id)
      .filter((e) => e.type === "notify")
      .map((e) => e.channel),
  ).toEqual(["status", "status", "status"]);
});

test("the status page in S3, as a bucket website serves it; a SEV-1 resolve prints the maintenance-off commands", async () => {
  contacts();
  const store = `s3://${s3.bucket}/current`;
  const started = await run("incident", "start", "--sev", "1", "--title", "Neon outage", "--status-store", store);
  expect(ownErrors(started)).toEqual([]);
  expect(started.code).toBe(0);
  expect(await s3.listKeys("current/")).toEqual(["current/index.html", "current/status.json", "current/status.txt"]);
  const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: "current/index.html" }));
  expect(head.ContentType).toBe("text/html; charset=utf-8");
  const resolved = await run("incident", "resolve", "Neon back", "--status-store", store, "--json");
  expect(resolved.code).toBe(0);
  const out = JSON.parse(resolved.stdout);
  expect(out.maintenance.off).toEqual([
    "pulumi config set --path 'bloom-dr:maintenance.enabled' false -s 'prod'",
    "pulumi config rm --path 'bloom-dr:maintenance.eta' -s 'prod'",
    "pulumi up -s 'prod'",
  ]);
  expect(out.status.state).toBe("operational");
  expect(sns.published.map((p) => p.subject)).toEqual(["[SEV-1 OPEN] Neon outage", "[SEV-1 RESOLVED] Neon outage"]);
});

test("--messages prints the customers' and the team's messages", async () => {
  const started = await run("incident", "start", "--sev", "2", "--title", "Slow bookings", "--messages");
  expect(started.code).toBe(0);
  const out = started.stdout;
  expect(out).toContain("--- customers (status page, e-mail) ---\nAlgunas funciones de Bloom");
  expect(out).toContain("--- team (on-call, Slack) ---\n[SEV-2 OPEN] Slow bookings");
});

test.each<[string, string[], string]>([
  ["a bad --topic-arn", ["--topic-arn", "arn:aws:sqs:us-east-2:1:x"], "--topic-arn must be an SNS topic ARN"],
  [
    "a bad --eta",
    ["--eta", "in an hour"],
    '--eta must be an ISO-8601 UTC time like 2026-03-10T14:00:00Z (got "in an hour")',
  ],
  [
    "a bad --status-store",
    ["--status-store", "ftp://x/y"],
    "--status-store: store ftp://x/y has an unsupported scheme",
  ],
  ["--notify and --no-notify", ["--notify", "--no-notify"], "--notify and --no-notify contradict each other"],
])("%s: exit 2, nothing recorded", async (_label, extra, message) => {
  const r = await run("incident", "start", "--sev", "1", "--title", "x", ...extra);
  expect(r.code).toBe(2);
  expect(ownErrors(r)).toEqual([expect.stringContaining(`bloom-dr incident start: ${message}`)]);
  expect(() => readdirSync(path.join(home, "incidents"))).toThrow();
  expect(sns.published).toEqual([]);
});
