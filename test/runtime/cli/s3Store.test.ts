/** The CLI against an s3:// store: s3rver on loopback, reached through the standard AWS endpoint settings. */
import { generateBloomDatabase } from "../../../runtime/lib/bloom/generate";
import { LocalCluster } from "../../../runtime/lib/local/cluster";
import { createDatabase, startTestCluster, tableDigests } from "../../support/postgres";
import { startS3Server, TestS3Server } from "../../support/s3Server";
import { CliRun, startCli } from "./runCli";

let cluster: LocalCluster;
let s3: TestS3Server;
let src: string;

function cli(...args: string[]): Promise<CliRun> {
  return startCli(args, { ...process.env, ...s3.env }).done;
}

beforeAll(async () => {
  [cluster, s3] = await Promise.all([startTestCluster("cli-s3"), startS3Server()]);
  src = await createDatabase(cluster, "bloom_src");
  await generateBloomDatabase(src, 0.01);
});

afterAll(async () => {
  await Promise.all([cluster?.destroy(), s3?.stop()]);
});

test("backup → backups → restore through s3://bucket/prefix", async () => {
  const store = `s3://${s3.bucket}/cli/production`;
  const backup = await cli("backup", "--db", src, "--store", store, "--label", "to s3", "--json");
  expect(backup.stderr).not.toMatch(/^bloom-dr/m);
  expect(backup.code).toBe(0);
  const { id, bytes } = JSON.parse(backup.stdout);
  expect(await s3.listKeys("cli/production/")).toEqual(
    [`cli/production/${id}.dump`, `cli/production/${id}.json`, "cli/production/latest.json"].sort(),
  );
  expect(await s3.listMultipartUploads()).toEqual([]);

  const list = JSON.parse((await cli("backups", "--store", store, "--json")).stdout);
  expect(list).toMatchObject({ ok: true, store, latest: id, backups: [{ id, label: "to s3", bytes, latest: true }] });

  const target = await createDatabase(cluster, "from_s3");
  const restore = await cli("restore", "--store", store, "--backup", id, "--target", target);
  expect(restore.code).toBe(0);
  expect(restore.stdout).toMatch(/^total \(RTO\) +\S+/m);
  expect(await tableDigests(target)).toEqual(await tableDigests(src));
});

test("the store failing mid-upload: exit 1 with one line, nothing left in the bucket, no open multipart upload", async () => {
  const store = `s3://${s3.bucket}/cli/faulty`;
  s3.failWhen((r) => r.method === "PUT" && r.key.startsWith("cli/faulty/") && r.key.endsWith(".dump"));
  try {
    const run = await cli("backup", "--db", src, "--store", store);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^bloom-dr backup: .+$/m);
    expect(run.stderr).not.toContain(cluster.password);
  } finally {
    s3.failWhen(undefined);
  }
  expect(await s3.listKeys("cli/faulty/")).toEqual([]);
  expect(await s3.listMultipartUploads()).toEqual([]);
});

test("no AWS credentials: exactly one line on stderr saying what to set (no SDK Node-version warning)", async () => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: "/nonexistent",
    AWS_REGION: "eu-west-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  };
  const run = await startCli(["backups", "--store", "s3://bloom-dr-no-such-vault/production"], env).done;
  expect(run.code).toBe(1);
  expect(run.stderr.trimEnd().split("\n")).toEqual([
    expect.stringMatching(
      /^bloom-dr backups: .*Could not load credentials from any providers: set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, and AWS_REGION$/,
    ),
  ]);
});
