import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

/**
 * A loopback HTTP server speaking the part of CloudWatch's awsJson1_0 protocol that bloom-dr uses:
 * POST with `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData` and `Content-Type:
 * application/x-amz-json-1.0`, timestamps as epoch seconds both ways, MetricStat queries with an
 * exact dimension match, periods aligned to the start, ScanBy, `NextToken` paging over a page of
 * datapoints, and errors as CloudWatch sends them in query-compatible mode (`__type` plus the
 * `x-amzn-query-error` header). Metrics are regional: a datapoint is put in a region, and a query
 * sees the region its SigV4 credential scope names. Tests go through the real AWS SDK client.
 */
export interface MetricDatum {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  timestamp: Date;
  value: number;
}

export interface CloudWatchServer {
  endpoint: string;
  /** Records a raw datapoint (what an EMF log line turns into) in a region. */
  put(region: string, datum: MetricDatum): void;
  /** While set, every request fails with AccessDenied (a caller without cloudwatch:GetMetricData). */
  deny(denied: boolean): void;
  /** Every request: its target, the region it was signed for, its page token, the parsed body. */
  requests: { target: string; region: string; authorized: boolean; nextToken: string; body: GetMetricDataBody }[];
  close(): Promise<void>;
}

interface GetMetricDataBody {
  MetricDataQueries?: {
    Id?: string;
    MetricStat?: {
      Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: string }[] };
      Period?: number;
      Stat?: string;
    };
    ReturnData?: boolean;
  }[];
  StartTime?: unknown;
  EndTime?: unknown;
  NextToken?: string;
  ScanBy?: string;
  MaxDatapoints?: number;
}

const TARGET = "GraniteServiceVersion20100801.GetMetricData";
const STATS: Record<string, (values: number[]) => number> = {
  Sum: (v) => v.reduce((a, b) => a + b, 0),
  Maximum: (v) => Math.max(...v),
  Minimum: (v) => Math.min(...v),
  Average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  SampleCount: (v) => v.length,
};

/** `pageSize`: datapoints per response at most (CloudWatch's own limit is 100,800). */
export async function startCloudWatchServer(pageSize = 100_800): Promise<CloudWatchServer> {
  const data = new Map<string, MetricDatum[]>();
  const requests: CloudWatchServer["requests"] = [];
  let denied = false;

  const server: Server = createServer((req, res) => {
    readBody(req).then(
      (body) => answer(req, body, res),
      () => res.destroy(),
    );
  });

  function answer(req: IncomingMessage, text: string, res: ServerResponse): void {
    const target = String(req.headers["x-amz-target"] ?? "");
    const authorization = String(req.headers.authorization ?? "");
    // AWS4-HMAC-SHA256 Credential=AKID/20260309/us-east-2/monitoring/aws4_request, …
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
    const authorized = authorization.startsWith("AWS4-HMAC-SHA256") && scope?.[2] === "monitoring";
    let body: GetMetricDataBody;
    try {
      body = JSON.parse(text || "{}") as GetMetricDataBody;
    } catch {
      return error(res, "SerializationException", "InvalidQueryParameter", "body is not JSON");
    }
    const region = scope?.[1] ?? "";
    requests.push({ target, region, authorized, nextToken: body.NextToken ?? "", body });
    if (!authorized)
      return error(
        res,
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
      );
    if (req.headers["content-type"] !== "application/x-amz-json-1.0")
      return error(res, "SerializationException", "InvalidQueryParameter", "unsupported content type");
    if (target !== TARGET) return error(res, "UnknownOperationException", "InvalidAction", `unsupported ${target}`);
    if (denied)
      return error(
        res,
        "com.amazon.coral.service#AccessDeniedException",
        "AccessDenied",
        "User: arn:aws:sts::123456789012:assumed-role/bloom-dr-ci/readiness is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action",
      );
    getMetricData(region, body, res);
  }

  function getMetricData(region: string, body: GetMetricDataBody, res: ServerResponse): void {
    const invalid = (message: string) => error(res, "InvalidParameterValueException", "InvalidParameterValue", message);
    const queries = body.MetricDataQueries ?? [];
    if (queries.length === 0 || queries.length > 500) return invalid("MetricDataQueries must hold 1 to 500 queries");
    if (typeof body.StartTime !== "number" || typeof body.EndTime !== "number")
      return invalid("StartTime and EndTime must be timestamps (epoch seconds)");
    const start = body.StartTime;
    const end = body.EndTime;
    if (start >= end) return invalid("The parameter StartTime must be less than the parameter EndTime.");
    const ids = new Set<string>();
    const series: { id: string; points: { t: number; v: number }[] }[] = [];
    for (const q of queries) {
      const stat = q.MetricStat;
      if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id) || ids.has(q.Id))
        return invalid(`Invalid metric data query id ${q.Id}: unique, starting with a lower-case letter`);
      ids.add(q.Id);
      if (!stat?.Metric?.Namespace || !stat.Metric.MetricName) return invalid("MetricStat.Metric is required");
      if (!stat.Period || stat.Period % 60 !== 0) return invalid("The parameter Period must be a multiple of 60.");
      const statistic = STATS[stat.Stat ?? ""];
      if (!statistic) return invalid(`Unrecognized statistic ${stat.Stat}`);
      const dimensions = Object.fromEntries((stat.Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const period = stat.Period;
      const aligned = Math.floor(start / period) * period;
      const buckets = new Map<number, number[]>();
      for (const d of data.get(region) ?? []) {
        const t = d.timestamp.getTime() / 1000;
        if (d.namespace !== stat.Metric.Namespace || d.metricName !== stat.Metric.MetricName) continue;
        if (!sameDimensions(d.dimensions, dimensions) || t < start || t >= end) continue;
        const bucket = aligned + Math.floor((t - aligned) / period) * period;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), d.value]);
      }
      const points = [...buckets].map(([t, values]) => ({ t, v: statistic(values) }));
      points.sort((a, b) => (body.ScanBy === "TimestampAscending" ? a.t - b.t : b.t - a.t));
      if (q.ReturnData !== false) series.push({ id: q.Id, points });
    }
    // one sequence of datapoints over all queries, cut into pages; the token is the offset
    const offset = body.NextToken ? Number(body.NextToken) : 0;
    const total = series.reduce((n, s) => n + s.points.length, 0);
    if (!Number.isInteger(offset) || offset < 0 || offset > total)
      return error(res, "InvalidNextToken", "InvalidNextToken", "The service returned an invalid next token.");
    const limit = Math.min(pageSize, body.MaxDatapoints ?? pageSize);
    let skipped = 0;
    let taken = 0;
    const results = series.map(({ id, points }) => {
      const from = Math.max(0, offset - skipped);
      const page = points.slice(from, from + Math.max(0, limit - taken));
      skipped += points.length;
      taken += page.length;
      return {
        Id: id,
        Label: id,
        Timestamps: page.map((p) => p.t),
        Values: page.map((p) => p.v),
        StatusCode: from + page.length < points.length ? "PartialData" : "Complete",
      };
    });
    const next = offset + taken < total ? String(offset + taken) : undefined;
    reply(res, 200, { MetricDataResults: results, Messages: [], ...(next ? { NextToken: next } : {}) });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put(region, datum) {
      if (!Number.isFinite(datum.timestamp.getTime()) || !Number.isFinite(datum.value))
        throw new Error(`datapoint with an invalid timestamp or value: ${JSON.stringify(datum)}`);
      data.set(region, [...(data.get(region) ?? []), datum]);
    },
    deny(value) {
      denied = value;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sameDimensions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/** CloudWatch's JSON errors: status 400, `__type`, and the query protocol's code in a header. */
function error(res: ServerResponse, type: string, queryCode: string, message: string): void {
  reply(res, 400, { __type: type, message }, { "x-amzn-query-error": `${queryCode};Sender` });
}

function reply(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": "test",
    ...headers,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}
