import { arnInRegion, failoverDatabaseUrl, regionOfArn } from "../../components/failoverUrl";

const TARGET = { host: "db.abc.us-west-2.rds.amazonaws.com", port: 5432, database: "app" };

test.each([
  [
    "plain",
    "bloom_admin",
    "s3cret",
    "postgresql://bloom_admin:s3cret@db.abc.us-west-2.rds.amazonaws.com:5432/app?sslmode=require",
  ],
  [
    "reserved characters",
    "bloom_admin",
    "a/b@c:d%e?f#g",
    "postgresql://bloom_admin:a%2Fb%40c%3Ad%25e%3Ff%23g@db.abc.us-west-2.rds.amazonaws.com:5432/app?sslmode=require",
  ],
  [
    "space and plus",
    "user name",
    "p+w d",
    "postgresql://user%20name:p%2Bw%20d@db.abc.us-west-2.rds.amazonaws.com:5432/app?sslmode=require",
  ],
])("%s", (_label, username, password, expected) => {
  const url = failoverDatabaseUrl({
    ...TARGET,
    masterSecretJson: JSON.stringify({ username, password, engine: "postgres" }),
  });
  expect(url).toBe(expected);
  const parsed = new URL(url);
  expect(decodeURIComponent(parsed.password)).toBe(password);
  expect(decodeURIComponent(parsed.username)).toBe(username);
});

test.each([
  ["not json", "the RDS master secret of db.abc.us-west-2.rds.amazonaws.com is not JSON"],
  [JSON.stringify({ username: "u" }), "lacks username or password"],
  [JSON.stringify({ password: "p" }), "lacks username or password"],
  ["null", "lacks username or password"],
])("rejects %s without echoing it", (masterSecretJson, message) => {
  expect(() => failoverDatabaseUrl({ ...TARGET, masterSecretJson })).toThrow(message);
});

describe("regionOfArn", () => {
  test.each([
    ["arn:aws:secretsmanager:us-east-2:123456789012:secret:bloom-app-db-url-AbC123", "us-east-2"],
    ["arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x", "us-gov-west-1"],
    ["arn:aws:secretsmanager:eu-central-1:123456789012:secret:a:b", "eu-central-1"],
  ])("%s", (arn, region) => {
    expect(regionOfArn(arn)).toBe(region);
  });

  test.each(["bloom-app-db-url", "arn:aws:iam::123456789012:role/x", ""])("refuses %j", (arn) => {
    expect(() => regionOfArn(arn)).toThrow(`"${arn}" is not a regional ARN`);
  });
});

describe("arnInRegion", () => {
  test.each([
    [
      "arn:aws:secretsmanager:us-east-2:123456789012:secret:app-db-url-AbC123",
      "us-west-2",
      "arn:aws:secretsmanager:us-west-2:123456789012:secret:app-db-url-AbC123",
    ],
    [
      "arn:aws:secretsmanager:eu-central-1:123456789012:secret:a:b",
      "eu-west-1",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a:b",
    ],
  ])("%s in %s", (arn, region, expected) => {
    expect(arnInRegion(arn, region)).toBe(expected);
  });

  test("refuses an ARN without a region", () => {
    expect(() => arnInRegion("arn:aws:iam::123456789012:role/x", "us-west-2")).toThrow("is not a regional ARN");
  });
});
