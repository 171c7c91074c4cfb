/** The pure parts of the leaving-active check (stacks/servingCheck.ts); the check itself runs in dr.test.ts. */
import type { DrStackConfig } from "../../stacks/configSchema";
import { databaseHost, keepsServing, rdsInstanceOfHost } from "../../stacks/servingCheck";

test.each([
  [
    "postgresql://bloom_app:pw@db-1.c9akciq32.us-west-2.rds.amazonaws.com:5432/bloom?sslmode=require",
    "db-1.c9akciq32.us-west-2.rds.amazonaws.com",
  ],
  ["postgres://u:p@EP-Cool.us-east-2.aws.neon.tech/bloom", "ep-cool.us-east-2.aws.neon.tech"],
  ["  postgresql://u@host/db  ", "host"],
  ["https://db-1.c9akciq32.us-west-2.rds.amazonaws.com/", undefined],
  ["not a url", undefined],
  ["", undefined],
  ["postgresql:///bloom?host=/var/run/postgresql", undefined],
])("databaseHost(%j) = %j", (url, host) => {
  expect(databaseHost(url)).toBe(host);
});

test.each([
  [
    "failover-db-1a2b3c.c9akciq32.us-west-2.rds.amazonaws.com",
    { identifier: "failover-db-1a2b3c", region: "us-west-2" },
  ],
  ["db.abcdefgh.eu-central-1.rds.amazonaws.com", { identifier: "db", region: "eu-central-1" }],
  ["db.abcdefgh.cn-north-1.rds.amazonaws.com.cn", { identifier: "db", region: "cn-north-1" }],
  ["db.abcdefgh.us-gov-west-1.rds.amazonaws.com", { identifier: "db", region: "us-gov-west-1" }],
  // a cluster or proxy endpoint is not an instance this stack creates
  ["bloom.cluster-abcdefgh.us-west-2.rds.amazonaws.com", undefined],
  ["ep-cool.us-east-2.aws.neon.tech", undefined],
  ["rds.amazonaws.com", undefined],
])("rdsInstanceOfHost(%s)", (host, instance) => {
  expect(rdsInstanceOfHost(host)).toEqual(instance);
});

const config = (mode: "off" | "standby" | "active", drill?: "failover") =>
  ({ failover: { mode }, ...(drill ? { drill: { scenario: drill } } : {}) }) as unknown as DrStackConfig;

test.each([
  ["active", config("active"), true],
  ["standby", config("standby"), false],
  ["off", config("off"), false],
  ["an active drill", config("active", "failover"), false],
])("%s keeps serving: %s", (_label, drConfig, expected) => {
  expect(keepsServing(drConfig)).toBe(expected);
});
