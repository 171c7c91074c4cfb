import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretsManagerReader, sourceUrlFromSecret, urlFromRdsMasterSecret } from "../../../runtime/handlers/secrets";
import { SecretsManagerServer, startSecretsManagerServer } from "../../support/secretsManagerServer";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:src-AbCdEf";

describe("sourceUrlFromSecret", () => {
  test.each([
    ["postgresql://u:pw@h:5432/db", "postgresql://u:pw@h:5432/db"],
    ["  postgres://u:pw@h/db\n", "postgres://u:pw@h/db"],
    ['{"url":"postgresql://u:pw@h/db"}', "postgresql://u:pw@h/db"],
    ['{"DATABASE_URL":"postgresql://u:pw@h/db","other":1}', "postgresql://u:pw@h/db"],
  ])("%s → %s", (secret, url) => {
    expect(sourceUrlFromSecret(secret, ARN)).toBe(url);
  });

  test.each([
    ["mysql://u:s3cretpw@h/db", /does not hold a PostgreSQL URL/],
    ["s3cretpw", /does not hold a PostgreSQL URL/],
    ['{"url": 5, "pw":"s3cretpw"}', /JSON without a "url" field/],
    ["{s3cretpw", /not valid JSON/],
  ])("refuses %s without echoing it", (secret, message) => {
    let error: Error | undefined;
    try {
      sourceUrlFromSecret(secret, ARN);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(ARN);
    expect(error?.message).not.toContain("s3cretpw");
  });
});

describe("urlFromRdsMasterSecret", () => {
  const endpoint = { host: "standby.abc.us-west-2.rds.amazonaws.com", port: 5432, database: "app", sslmode: "require" };

  test("encodes the user and password and appends sslmode", () => {
    const url = urlFromRdsMasterSecret(
      JSON.stringify({ username: "bloom_admin", password: "p@ss:w/rd?#" }),
      ARN,
      endpoint,
    );
    expect(url).toBe(
      "postgresql://bloom_admin:p%40ss%3Aw%2Frd%3F%23@standby.abc.us-west-2.rds.amazonaws.com:5432/app?sslmode=require",
    );
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe("p@ss:w/rd?#");
  });

  test("adds the CA bundle for verify-full", () => {
    expect(
      urlFromRdsMasterSecret('{"username":"u","password":"p"}', ARN, {
        ...endpoint,
        sslmode: "verify-full",
        sslrootcert: "/opt/rds/global-bundle.pem",
      }),
    ).toBe(
      "postgresql://u:p@standby.abc.us-west-2.rds.amazonaws.com:5432/app?sslmode=verify-full&sslrootcert=%2Fopt%2Frds%2Fglobal-bundle.pem",
    );
  });

  test("brackets an IPv6 host and omits an empty sslmode", () => {
    expect(
      urlFromRdsMasterSecret('{"username":"u","password":"p"}', ARN, {
        host: "::1",
        port: 6543,
        database: "d",
        sslmode: "",
      }),
    ).toBe("postgresql://u:p@[::1]:6543/d");
  });

  test.each([
    ["not json s3cretpw", /not the JSON of an RDS master user secret/],
    ['{"username":"u"}', /lacks "username" or "password"/],
    ['{"password":"s3cretpw"}', /lacks "username" or "password"/],
  ])("refuses %s without echoing it", (secret, message) => {
    expect(() => urlFromRdsMasterSecret(secret, ARN, endpoint)).toThrow(message);
    try {
      urlFromRdsMasterSecret(secret, ARN, endpoint);
    } catch (err) {
      expect((err as Error).message).not.toContain("s3cretpw");
    }
  });
});

describe("secretsManagerReader against a loopback Secrets Manager", () => {
  let server: SecretsManagerServer;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    server = await startSecretsManagerServer();
    client = new SecretsManagerClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
    });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  test("reads the SecretString of an ARN through the real SDK", async () => {
    const arn = server.put("bloom/source", "postgresql://u:pw@h/db");
    await expect(secretsManagerReader(client)(arn)).resolves.toBe("postgresql://u:pw@h/db");
    expect(server.requests.at(-1)).toEqual({
      target: "secretsmanager.GetSecretValue",
      secretId: arn,
      authorized: true,
    });
  });

  test("a missing secret is a one-line error naming the ARN and the permission to check", async () => {
    const missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf";
    const error = await secretsManagerReader(client)(missing).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot read secret ${missing}: ResourceNotFoundException: .*secretsmanager:GetSecretValue`),
    );
    expect((error as Error).message).not.toContain("\n");
  });

  test("an empty SecretString is refused", async () => {
    const arn = server.put("bloom/empty", "");
    await expect(secretsManagerReader(client)(arn)).rejects.toThrow(/has no SecretString/);
  });
});
