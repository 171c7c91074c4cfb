import type * as AppDatabaseSecretModule from "../../components/appDatabaseSecret";
import { PulumiMockHarness, setupPulumiMocks, valueOf } from "../support/pulumiMocks";

let mocks: PulumiMockHarness;
let AppDatabaseSecret: typeof AppDatabaseSecretModule.AppDatabaseSecret;
const POOLED = "postgresql://app:pooled-pw@ep-x-pooler.aws.neon.tech/app?sslmode=require";

beforeAll(async () => {
  mocks = await setupPulumiMocks();
  ({ AppDatabaseSecret } = await import("../../components/appDatabaseSecret"));
});
beforeEach(() => mocks.reset());

test.each([[undefined], ["arn:aws:kms:us-east-1:123456789012:key/app"]])(
  "a secret (kms key %s) and one secret version holding the pooled URI",
  async (kmsKeyArn) => {
    const secret = new AppDatabaseSecret("app-db", { initialDatabaseUrl: POOLED, kmsKeyArn });
    await mocks.settle(secret.secretArn);
    expect(mocks.customResources().map((resource) => resource.type)).toEqual([
      "aws:secretsmanager/secret:Secret",
      "aws:secretsmanager/secretVersion:SecretVersion",
    ]);
    const created = mocks.one("aws:secretsmanager/secret:Secret");
    expect(created.inputs).toMatchObject({ recoveryWindowInDays: 30, tags: { "bloom-dr:app-secret": "database-url" } });
    // A destroy must not take the app's DATABASE_URL away: protected and retained.
    expect([created.options.protect, created.options.retainOnDelete]).toEqual([true, true]);
    expect(created.inputs.kmsKeyId).toBe(kmsKeyArn);
    const version = mocks.one("aws:secretsmanager/secretVersion:SecretVersion");
    expect(version.inputs).toEqual({ secretId: created.id, secretString: POOLED });
    expect(version.secretInputs).toEqual(["secretString"]);
    expect(await valueOf(secret.secretArn)).toBe(created.state.arn);
    expect(mocks.urnOf("app-db-primary-url")).toContain("bloom-dr:app:AppDatabaseSecret$");
    expect(JSON.stringify(created.inputs)).not.toContain("pooled-pw");
  },
);

test("with a replica region the secret is replicated there, and the replica's ARN differs only in the region", async () => {
  const secret = new AppDatabaseSecret("app-db", { initialDatabaseUrl: POOLED, replicaRegion: "us-west-2" });
  await mocks.settle(secret.secretArn, secret.replicaSecretArn);
  const created = mocks.one("aws:secretsmanager/secret:Secret");
  expect(created.inputs.replicas).toEqual([{ region: "us-west-2" }]);
  expect(mocks.customResources()).toHaveLength(2);
  expect(await valueOf(secret.replicaSecretArn)).toBe(created.state.arn.replace(":us-east-1:", ":us-west-2:"));
});

test("without a replica region there is no replica", async () => {
  const secret = new AppDatabaseSecret("app-db", { initialDatabaseUrl: POOLED });
  await mocks.settle(secret.secretArn);
  expect(mocks.one("aws:secretsmanager/secret:Secret").inputs.replicas).toBeUndefined();
  expect(await valueOf(secret.replicaSecretArn)).toBeUndefined();
});
