import {
  directHostFor,
  isNeonPooledHost,
  libpqEnvironment,
  parseConnectionUrl,
  redactSecrets,
  redactUrl,
} from "../../../runtime/lib/postgres/connectionUrl";

describe("parseConnectionUrl", () => {
  test.each([
    [
      "postgresql://bloom:s3cr%40t@ep-cool-1.us-east-2.aws.neon.tech/neondb?sslmode=require",
      { host: "ep-cool-1.us-east-2.aws.neon.tech", port: 5432, database: "neondb", user: "bloom", password: "s3cr@t" },
    ],
    ["postgres://u@127.0.0.1:6543/db", { host: "127.0.0.1", port: 6543, database: "db", user: "u", password: "" }],
    ["postgresql://u:p@[::1]:5433/x", { host: "::1", port: 5433, database: "x", user: "u", password: "p" }],
    ["postgresql://u:p@h", { host: "h", port: 5432, database: "postgres", user: "u", password: "p" }],
  ])("%s", (url, expected) => {
    expect(parseConnectionUrl(url)).toMatchObject(expected);
  });

  test.each([
    [
      "not a url",
      "database URL is not a valid URL (not a url): expected postgresql://user@host:5432/dbname with the password in the URL or PGPASSWORD",
    ],
    ["mysql://u:p@h/db", "database URL must start with postgresql:// (got mysql://)"],
  ])("rejects %s", (url, message) => {
    expect(() => parseConnectionUrl(url)).toThrow(message);
  });
});

describe("redaction", () => {
  test.each([
    ["postgresql://bloom:hunter2@host/db", "postgresql://bloom:***@host/db"],
    ["connect to postgres://a:b@c:1/d failed", "connect to postgres://a:***@c:1/d failed"],
    ["no url here", "no url here"],
  ])("redactUrl(%s)", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  test("redactSecrets removes listed secrets wherever they appear", () => {
    expect(redactSecrets("password authentication failed: hunter2 and hunter2", ["hunter2"])).toBe(
      "password authentication failed: *** and ***",
    );
  });
});

describe("Neon pooled hosts", () => {
  test.each([
    ["ep-cool-1-pooler.us-east-2.aws.neon.tech", true, "ep-cool-1.us-east-2.aws.neon.tech"],
    ["ep-cool-1.us-east-2.aws.neon.tech", false, "ep-cool-1.us-east-2.aws.neon.tech"],
    ["127.0.0.1", false, "127.0.0.1"],
  ])("%s", (host, pooled, direct) => {
    expect(isNeonPooledHost(host)).toBe(pooled);
    expect(directHostFor(host)).toBe(direct);
  });
});

test("libpqEnvironment passes the password in PGPASSWORD, not argv", () => {
  const env = libpqEnvironment("postgresql://u:p%2Fw@h:5433/db?sslmode=require", {});
  expect(env).toMatchObject({
    PGHOST: "h",
    PGPORT: "5433",
    PGDATABASE: "db",
    PGUSER: "u",
    PGPASSWORD: "p/w",
    PGSSLMODE: "require",
  });
});

test.each<[string, NodeJS.ProcessEnv, string | undefined]>([
  ["the URL's password wins over the environment's", { PGPASSWORD: "from-env" }, "from-url"],
  ["without one in the URL, PGPASSWORD from the environment reaches the tool", { PGPASSWORD: "from-env" }, "from-env"],
  ["neither: no PGPASSWORD (libpq then reads ~/.pgpass)", {}, undefined],
])("libpqEnvironment: %s", (name, base, expected) => {
  const url = name.startsWith("the URL") ? "postgresql://u:from-url@h/db" : "postgresql://u@h/db";
  expect(libpqEnvironment(url, base).PGPASSWORD).toBe(expected);
});
