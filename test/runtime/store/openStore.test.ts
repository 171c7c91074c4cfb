import { parseStoreSpec } from "../../../runtime/lib/store/openStore";
import { s3ClientConfig } from "../../../runtime/lib/store/s3Store";

test.each([
  ["s3://vault/bloom/prod", { kind: "s3", bucket: "vault", prefix: "bloom/prod" }],
  ["s3://vault", { kind: "s3", bucket: "vault", prefix: "" }],
  ["s3://vault/", { kind: "s3", bucket: "vault", prefix: "" }],
  ["s3://vault/a/b/", { kind: "s3", bucket: "vault", prefix: "a/b" }],
  ["file:///var/backups/bloom", { kind: "file", dir: "/var/backups/bloom" }],
  ["/var/backups/bloom", { kind: "file", dir: "/var/backups/bloom" }],
])("parseStoreSpec(%j)", (spec, expected) => {
  expect(parseStoreSpec(spec)).toEqual(expected);
});

test("a relative path resolves against the working directory", () => {
  expect(parseStoreSpec("backups")).toEqual({ kind: "file", dir: `${process.cwd()}/backups` });
});

test.each([
  ["", "store is empty"],
  ["s3://Bad_Bucket/x", 'invalid bucket name "Bad_Bucket"'],
  ["s3://vault/../x", 'has "." or ".."'],
  ["gs://vault/x", "unsupported scheme"],
])("parseStoreSpec(%j) refuses: %s", (spec, message) => {
  expect(() => parseStoreSpec(spec)).toThrow(message);
});

test.each([
  [{}, { region: "us-east-1", endpoint: undefined, forcePathStyle: undefined }],
  [{ AWS_REGION: "eu-west-1" }, { region: "eu-west-1", endpoint: undefined, forcePathStyle: undefined }],
  [
    { AWS_DEFAULT_REGION: "us-west-2", AWS_ENDPOINT_URL: "http://minio:9000" },
    { region: "us-west-2", endpoint: "http://minio:9000", forcePathStyle: true },
  ],
  [
    { AWS_ENDPOINT_URL: "http://a", AWS_ENDPOINT_URL_S3: "http://s3-only" },
    { region: "us-east-1", endpoint: "http://s3-only", forcePathStyle: true },
  ],
])("s3ClientConfig(%j)", (env, expected) => {
  const config = s3ClientConfig(env as NodeJS.ProcessEnv);
  expect({ region: config.region, endpoint: config.endpoint, forcePathStyle: config.forcePathStyle }).toEqual(expected);
});
