/**
 * `stack.restoreTestMetric`: the dr stack's outputs from fakes of the StackOutputsLoader's
 * result, the metric through the real CloudWatch SDK client against a loopback server speaking
 * CloudWatch's awsJson1_0 protocol. The clock is fixed.
 */
import { awsReadinessClients, ReadinessAws } from "../../../runtime/lib/readiness/aws";
import {
  checkRestoreTestMetric,
  minuteOf,
  RESTORE_TEST_LOOKBACK_MS,
  RESTORE_TEST_MAX_AGE_MS,
} from "../../../runtime/lib/readiness/restoreTestMetric";
import { StackInput } from "../../../runtime/lib/readiness/stackChecks";
import { StackOutputs } from "../../../runtime/lib/platform/stackDriver";
import { CloudWatchServer, startCloudWatchServer } from "../../support/cloudWatchServer";

const NOW = new Date("2026-03-10T08:00:00Z");
const DR_REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" };
const TITLE = "scheduled restore test succeeded within 26 h (dr stack's metric)";
const FUNCTION = "bloom-dr-dr-restore-3f2a";

let cloudWatch: CloudWatchServer;
let aws: ReadinessAws;

function outputs(values: Record<string, unknown>): StackOutputs {
  return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, secret: false }]));
}

function prodStack(prefix: string): StackInput {
  return { name: "acme/bloom-dr/prod", outputs: outputs({ role: "prod", backupPrefix: prefix }) };
}

function drStack(mode = "standby"): StackInput {
  return {
    name: "acme/bloom-dr/dr",
    outputs: outputs({
      role: "dr",
      failoverMode: mode,
      failoverMasterSecretArn: `arn:aws:secretsmanager:${DR_REGION}:123456789012:secret:bloom-dr-dr-master-AbCdEf`,
      sev1TopicArn: `arn:aws:sns:${DR_REGION}:123456789012:bloom-dr-dr-sev1`,
      restoreFunctionName: FUNCTION,
    }),
  };
}

/** What the restore handler's EMF line becomes: the run's metric 1, the other one 0. */
function run(prefix: string, at: string, outcome: "succeeded" | "failed", region = DR_REGION): void {
  const dimensions = { Prefix: prefix };
  const timestamp = new Date(at);
  const namespace = "BloomDR";
  cloudWatch.put(region, {
    namespace,
    metricName: "RestoreSucceeded",
    dimensions,
    timestamp,
    value: +(outcome === "succeeded"),
  });
  cloudWatch.put(region, {
    namespace,
    metricName: "RestoreFailed",
    dimensions,
    timestamp,
    value: +(outcome === "failed"),
  });
}

beforeAll(async () => {
  cloudWatch = await startCloudWatchServer(2); // two datapoints a page: most cases take several requests
  aws = awsReadinessClients({ endpoints: { cloudWatch: cloudWatch.endpoint }, credentials: CREDENTIALS });
});

afterAll(async () => {
  await cloudWatch?.close();
});

test("the window is the daily schedule plus 2 h; the lookback a week", () => {
  expect(RESTORE_TEST_MAX_AGE_MS).toBe(26 * 3_600_000);
  expect(RESTORE_TEST_LOOKBACK_MS).toBe(7 * 24 * 3_600_000);
  expect(minuteOf(new Date("2026-03-08T06:04:59.999Z"))).toBe("2026-03-08T06:04Z");
});

const where = (prefix: string) => `BloomDR Prefix=${prefix} in ${DR_REGION}`;
const logs = `see the logs of the restore function ${FUNCTION}`;

test.each<[string, [string, "succeeded" | "failed"][], "PASS" | "FAIL", string]>([
  [
    "fresh success",
    [
      ["2026-03-09T06:03:40Z", "succeeded"],
      ["2026-03-10T06:04:30Z", "succeeded"],
    ],
    "PASS",
    "last success 2026-03-10T06:04Z (1 h 56 min ago)",
  ],
  [
    "fresh success after a failure",
    [
      ["2026-03-09T06:03:10Z", "failed"],
      ["2026-03-09T09:12:00Z", "succeeded"],
    ],
    "PASS",
    "last success 2026-03-09T09:12Z (22 h 48 min ago); last failure 2026-03-09T06:03Z (25 h 57 min ago), before it",
  ],
  [
    "success exactly 26 h old",
    [["2026-03-09T06:00:00Z", "succeeded"]],
    "PASS",
    "last success 2026-03-09T06:00Z (26 h 0 min ago)",
  ],
  [
    "stale success",
    [["2026-03-09T05:30:20Z", "succeeded"]],
    "FAIL",
    `last success 2026-03-09T05:30Z (26 h 30 min ago), more than 26 h ago: ${logs}`,
  ],
  [
    "failure after success",
    [
      ["2026-03-09T06:04:00Z", "succeeded"],
      ["2026-03-10T06:03:00Z", "failed"],
    ],
    "FAIL",
    `last success 2026-03-09T06:04Z (25 h 56 min ago); last failure 2026-03-10T06:03Z (1 h 57 min ago): ${logs}`,
  ],
  [
    "a failure in the same minute as the success",
    [
      ["2026-03-10T06:04:05Z", "succeeded"],
      ["2026-03-10T06:04:50Z", "failed"],
    ],
    "FAIL",
    `last success 2026-03-10T06:04Z (1 h 56 min ago); last failure 2026-03-10T06:04Z (1 h 56 min ago): ${logs}`,
  ],
  [
    "failures since an older success",
    [
      ["2026-03-08T06:04:20Z", "succeeded"],
      ["2026-03-09T06:03:00Z", "failed"],
      ["2026-03-10T06:03:00Z", "failed"],
    ],
    "FAIL",
    `last success 2026-03-08T06:04Z (49 h 56 min ago); last failure 2026-03-10T06:03Z (1 h 57 min ago): ${logs}`,
  ],
  [
    "failures only",
    [
      ["2026-03-09T06:03:00Z", "failed"],
      ["2026-03-10T06:03:00Z", "failed"],
    ],
    "FAIL",
    `last failure 2026-03-10T06:03Z (1 h 57 min ago); no success in the last 7 days: ${logs}`,
  ],
  ["no data", [], "FAIL", `no restore test reported in the last 7 days: ${logs}`],
  [
    "runs older than the lookback only",
    [["2026-03-03T07:59:00Z", "succeeded"]],
    "FAIL",
    `no restore test reported in the last 7 days: ${logs}`,
  ],
])("%s", async (name, runs, status, reason) => {
  const prefix = `case-${name.replace(/\W+/g, "-")}`;
  for (const [at, outcome] of runs) run(prefix, at, outcome);
  const result = await checkRestoreTestMetric({ prod: prodStack(prefix), dr: drStack(), aws, now: NOW });
  expect(result).toEqual({
    id: "stack.restoreTestMetric",
    title: TITLE,
    status,
    reason: `${where(prefix)}: ${reason}`,
  });
});

test("the query: both metrics' one-minute Sums over the last week, in the DR region, paged through NextToken", async () => {
  const prefix = "paging";
  for (const day of ["03", "08", "09", "10"]) run(prefix, `2026-03-${day}T06:04:00Z`, "succeeded"); // the 3rd's is too old
  run(prefix, "2026-03-09T18:00:00Z", "failed");
  run(prefix, "2026-03-10T07:00:00Z", "succeeded", "us-east-1"); // the prod region: not the restore test's
  const before = cloudWatch.requests.length;
  const result = await checkRestoreTestMetric({ prod: prodStack(prefix), dr: drStack(), aws, now: NOW });
  expect(result).toMatchObject({
    status: "PASS",
    reason: `${where(prefix)}: last success 2026-03-10T06:04Z (1 h 56 min ago); last failure 2026-03-09T18:00Z (14 h 0 min ago), before it`,
  });
  const requests = cloudWatch.requests.slice(before);
  // 3 successes in the window and the failure, × 2 metrics = 8 datapoints, two per page
  expect(requests.map((r) => [r.target, r.region, r.authorized, r.nextToken])).toEqual([
    ["GraniteServiceVersion20100801.GetMetricData", DR_REGION, true, ""],
    ["GraniteServiceVersion20100801.GetMetricData", DR_REGION, true, "2"],
    ["GraniteServiceVersion20100801.GetMetricData", DR_REGION, true, "4"],
    ["GraniteServiceVersion20100801.GetMetricData", DR_REGION, true, "6"],
  ]);
  const metric = (name: string) => ({
    Namespace: "BloomDR",
    MetricName: name,
    Dimensions: [{ Name: "Prefix", Value: prefix }],
  });
  expect(requests[0].body).toEqual({
    MetricDataQueries: [
      { Id: "m0", MetricStat: { Metric: metric("RestoreSucceeded"), Period: 60, Stat: "Sum" }, ReturnData: true },
      { Id: "m1", MetricStat: { Metric: metric("RestoreFailed"), Period: 60, Stat: "Sum" }, ReturnData: true },
    ],
    StartTime: Date.parse("2026-03-03T08:00:00Z") / 1000,
    EndTime: NOW.getTime() / 1000,
    ScanBy: "TimestampDescending",
  });
});

test("the points come back newest first, merged across pages, as Dates", async () => {
  const prefix = "points";
  run(prefix, "2026-03-09T06:04:10Z", "succeeded");
  run(prefix, "2026-03-09T06:04:40Z", "succeeded"); // same minute: one Sum of 2
  run(prefix, "2026-03-10T06:05:00Z", "failed");
  const series = await aws.readMetric({
    region: DR_REGION,
    namespace: "BloomDR",
    metricNames: ["RestoreSucceeded", "RestoreFailed"],
    dimensions: { Prefix: prefix },
    stat: "Sum",
    periodSeconds: 60,
    start: new Date(NOW.getTime() - RESTORE_TEST_LOOKBACK_MS),
    end: NOW,
  });
  expect(series).toEqual({
    RestoreSucceeded: [
      { timestamp: new Date("2026-03-10T06:05:00Z"), value: 0 },
      { timestamp: new Date("2026-03-09T06:04:00Z"), value: 2 },
    ],
    RestoreFailed: [
      { timestamp: new Date("2026-03-10T06:05:00Z"), value: 1 },
      { timestamp: new Date("2026-03-09T06:04:00Z"), value: 0 },
    ],
  });
});

test("an AWS error: FAIL naming the permission", async () => {
  cloudWatch.deny(true);
  try {
    const result = await checkRestoreTestMetric({ prod: prodStack("denied"), dr: drStack(), aws, now: NOW });
    expect(result).toEqual({
      id: "stack.restoreTestMetric",
      title: TITLE,
      status: "FAIL",
      reason:
        "cannot read BloomDR/RestoreSucceeded, RestoreFailed in us-west-2: User: arn:aws:sts::123456789012:assumed-role/bloom-dr-ci/readiness is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action: check AWS credentials and cloudwatch:GetMetricData",
    });
  } finally {
    cloudWatch.deny(false);
  }
});

const NEVER_CALLED: ReadinessAws = {
  listSubscriptions: () => Promise.reject(new Error("not called")),
  readSecret: () => Promise.reject(new Error("not called")),
  readMetric: () => Promise.reject(new Error("CloudWatch must not be asked")),
};

test.each<[string, StackInput | undefined, StackInput | undefined, "NOT CHECKED" | "FAIL", string]>([
  [
    "no --dr-stack",
    prodStack("production"),
    undefined,
    "NOT CHECKED",
    "no --dr-stack given: name the dr Pulumi stack (its scheduled restore test writes BloomDR/RestoreSucceeded); backups.restoreTest stands in",
  ],
  [
    "dr outputs unreadable",
    prodStack("production"),
    {
      name: "acme/bloom-dr/dr",
      error: "cannot select Pulumi stack acme/bloom-dr/dr in /repo: no stack named 'dr' found",
    },
    "FAIL",
    "cannot read the outputs of dr stack acme/bloom-dr/dr: cannot select Pulumi stack acme/bloom-dr/dr in /repo: no stack named 'dr' found",
  ],
  [
    "failoverMode active",
    prodStack("production"),
    drStack("active"),
    "NOT CHECKED",
    "dr stack acme/bloom-dr/dr's failoverMode is active: the scheduled restore test runs in standby only",
  ],
  [
    "failoverMode off",
    prodStack("production"),
    drStack("off"),
    "NOT CHECKED",
    "dr stack acme/bloom-dr/dr's failoverMode is off: the scheduled restore test runs in standby only",
  ],
  [
    "the prod stack given as --dr-stack",
    prodStack("production"),
    prodStack("production"),
    "NOT CHECKED",
    "stack acme/bloom-dr/prod has no output failoverMode: give the dr stack to --dr-stack",
  ],
  [
    "no --stack: the prefix is unknown",
    undefined,
    drStack(),
    "NOT CHECKED",
    "the metric's Prefix dimension is the prod stack's backupPrefix: give --stack",
  ],
  [
    "prod outputs unreadable: the prefix is unknown",
    { name: "prod", error: "no stack named 'prod' found" },
    drStack(),
    "NOT CHECKED",
    "the metric's Prefix dimension is unknown: stack prod's outputs cannot be read",
  ],
  [
    "a --stack without backupPrefix",
    { name: "acme/bloom-dr/dr", outputs: outputs({ role: "dr" }) },
    drStack(),
    "NOT CHECKED",
    "stack acme/bloom-dr/dr has no output backupPrefix (the metric's Prefix dimension): give the prod stack to --stack",
  ],
])("%s: without asking CloudWatch", async (_name, prod, dr, status, reason) => {
  const result = await checkRestoreTestMetric({ prod, dr, aws: NEVER_CALLED, now: NOW });
  expect(result).toEqual({ id: "stack.restoreTestMetric", title: TITLE, status, reason });
});
