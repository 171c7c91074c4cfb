import { appDatabaseUrl, arnInRegion, regionOfArn } from "../../components/failoverUrl";

const TARGET = { host: "db.abc.us-west-2.rds.amazonaws.com", port: 5432, database: "bloom" };

test.each([
  [
    "the generated password (letters and digits)",
    "bloom_app",
    "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
    "postgresql://bloom_app:Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z@db.abc.us-west-2.rds.amazonaws.com:5432/bloom?sslmode=require",
  ],
  [
    "reserved characters",
    "bloom_app",
    "a/b@c:d%e?f#g",
    "postgresql://bloom_app:a%2Fb%40c%3Ad%25e%3Ff%23g@db.abc.us-west-2.rds.amazonaws.com:5432/bloom?sslmode=require",
  ],
  [
    "space and plus",
    "app role",
    "p+w d",
    "postgresql://app%20role:p%2Bw%20d@db.abc.us-west-2.rds.amazonaws.com:5432/bloom?sslmode=require",
  ],
])("%s", (_label, role, password, expected) => {
  const url = appDatabaseUrl({ ...TARGET, role, password });
  expect(url).toBe(expected);
  const parsed = new URL(url);
  expect(decodeURIComponent(parsed.password)).toBe(password);
  expect(decodeURIComponent(parsed.username)).toBe(role);
  expect(parsed.searchParams.get("sslmode")).toBe("require");
});

test.each([
  ["", "pw"],
  ["bloom_app", ""],
])("refuses role %j with password %j without echoing the password", (role, password) => {
  expect(() => appDatabaseUrl({ ...TARGET, role, password })).toThrow(
    "the app's URL for db.abc.us-west-2.rds.amazonaws.com needs the app role and its password (got an empty one)",
  );
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
