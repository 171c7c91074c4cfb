import { JOB_ENV, assertNoCredentials, dumpJobEnvironment, restoreJobEnvironment } from "../../components/jobEnvironment";

const BASE = { bucket: "vault", prefix: "production/", kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" };

test("dump job environment holds exactly the secret ARN, bucket, prefix and key", () => {
    expect(dumpJobEnvironment({ ...BASE, sourceSecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:src" })).toEqual({
        BLOOM_DR_SOURCE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:src",
        BLOOM_DR_BUCKET: "vault",
        BLOOM_DR_PREFIX: "production/",
        BLOOM_DR_KMS_KEY_ARN: "arn:aws:kms:us-east-1:1:key/k",
    });
});

test.each([
    [undefined, 7],
    ["select count(*) from orders", 8],
])("restore environment with smoke query %s has %i variables", (smokeQuery, count) => {
    const environment = restoreJobEnvironment({ ...BASE, targetSecretArn: "arn:s", targetHost: "db.local", targetPort: 5432, targetDatabase: "restore_test", smokeQuery });
    expect(Object.keys(environment)).toHaveLength(count);
    expect(environment[JOB_ENV.targetPort]).toBe("5432");
    expect(environment[JOB_ENV.smokeQuery]).toBe(smokeQuery);
});

test.each([
    ["postgresql://app:s3cret@ep-1.aws.neon.tech/db"],
    ["postgres://u:p@host:5432/db?sslmode=require"],
    ["host=db user=app password=hunter2"],
    ["HTTPS://user:tok@example.com/"],
])("refuses a credential: %s", (value) => {
    expect(() => assertNoCredentials({ DATABASE_URL: value })).toThrow(
        "environment variable DATABASE_URL holds a credential; pass a Secrets Manager ARN instead",
    );
    try {
        assertNoCredentials({ DATABASE_URL: value });
    } catch (error) {
        expect(String(error)).not.toContain(value);
    }
});

test.each([
    ["postgresql://ep-1.aws.neon.tech/db"],
    ["postgresql://app@ep-1.aws.neon.tech/db"],
    ["arn:aws:secretsmanager:us-east-1:123456789012:secret:src-AbCdEf"],
    ["production/"],
])("accepts a value without credentials: %s", (value) => {
    expect(assertNoCredentials({ X: value })).toEqual({ X: value });
});
