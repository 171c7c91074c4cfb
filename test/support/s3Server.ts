import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { registerTeardown } from "../../runtime/lib/local/cleanupRegistry";
import { s3ClientConfig } from "../../runtime/lib/store/s3Store";

// s3rver ships no type declarations
const S3rver = require("s3rver");

/** What a fault hook sees of a request. */
export interface S3Request {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** Environment for openStore/S3Client: endpoint, region and s3rver's fixed credentials. */
  env: NodeJS.ProcessEnv;
  /** A real SDK client for assertions. */
  client: S3Client;
  /** Keys in the bucket (full keys, with prefixes). */
  listKeys(prefix?: string): Promise<string[]>;
  /** Open multipart uploads, through the real ListMultipartUploads call. */
  listMultipartUploads(): Promise<{ key: string; uploadId: string }[]>;
  /** While set, matching requests fail with 500 InternalError (after their body is read). */
  failWhen(predicate: ((request: S3Request) => boolean) | undefined): void;
  stop(): Promise<void>;
}

/**
 * s3rver (a real S3 protocol server on the file system) on a free loopback port, with one bucket.
 * s3rver lacks ListMultipartUploads and AbortMultipartUpload; this server answers those two from
 * s3rver's own upload directory, so the SDK's abort really removes the parts and the tests can
 * see what is left. Everything else is s3rver's.
 */
export async function startS3Server(bucket = "bloom-vault"): Promise<TestS3Server> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "bloom-dr-s3-"));
  // removed even if the test process is interrupted before stop()
  const unregister = registerTeardown(() => rmSync(directory, { recursive: true, force: true }));
  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket }], vhostBuckets: false });
  await s3rver.configureBuckets();
  const s3rverHandler = s3rver.callback();
  const uploadsDir = path.join(directory, bucket, "._S3rver_uploads");
  let failPredicate: ((request: S3Request) => boolean) | undefined;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, reqBucket = "", ...rest] = url.pathname.split("/");
    const request: S3Request = {
      method: req.method ?? "GET",
      bucket: reqBucket,
      key: decodeURIComponent(rest.join("/")),
      query: url.searchParams,
      headers: req.headers,
    };
    if (failPredicate?.(request)) {
      req.resume();
      req.on("end", () => sendXml(res, 500, errorXml("InternalError", "injected fault")));
      return;
    }
    if (request.method === "GET" && !request.key && url.searchParams.has("uploads")) {
      void listUploads(uploadsDir).then((uploads) => sendXml(res, 200, listUploadsXml(reqBucket, uploads)));
      return;
    }
    if (request.method === "DELETE" && request.key && url.searchParams.has("uploadId")) {
      const dir = path.join(uploadsDir, path.basename(url.searchParams.get("uploadId") ?? ""));
      void stat(dir).then(
        () => rm(dir, { recursive: true, force: true }).then(() => sendXml(res, 204, "")),
        () => sendXml(res, 404, errorXml("NoSuchUpload", "The specified upload does not exist.")),
      );
      return;
    }
    s3rverHandler(req, res);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const endpoint = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
  };
  const client = new S3Client(s3ClientConfig(env));

  return {
    endpoint,
    bucket,
    env,
    client,
    async listKeys(prefix = "") {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    },
    async listMultipartUploads() {
      const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
    },
    failWhen(predicate) {
      failPredicate = predicate;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3rver.logger?.close?.();
      rmSync(directory, { recursive: true, force: true });
      unregister();
    },
  };
}

async function listUploads(dir: string): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
  const ids = await readdir(dir).catch(() => [] as string[]);
  const out = [];
  for (const uploadId of ids) {
    const key = await readFile(path.join(dir, uploadId, "key"), "utf8").catch(() => undefined);
    const info = await stat(path.join(dir, uploadId)).catch(() => undefined);
    if (key !== undefined && info) out.push({ key, uploadId, initiated: info.mtime });
  }
  return out;
}

function listUploadsXml(bucket: string, uploads: { key: string; uploadId: string; initiated: Date }[]): string {
  const items = uploads
    .map(
      (u) =>
        `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`;
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
}

function sendXml(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, body ? { "content-type": "application/xml" } : {});
  res.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
