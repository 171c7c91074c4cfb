import {
  asList,
  deniesInsecureTransport,
  deniesToAllButNamed,
  parsePolicyDocument,
  undeniedActions,
  wildcardGrants,
} from "../../policies/lib/iamDocument";
import {
  containsPasswordUrl,
  containerEnvironments,
  variablesWithPasswordUrls,
} from "../../policies/lib/connectionString";
import { forTypes, readConfig } from "../../policies/lib/rule";
import { knownValue, refersTo } from "../../policies/lib/links";
import {
  NotApplicableError,
  policyResources,
  resourceValidationArgs,
  stackValidationArgs,
  urnFor,
} from "../../policies/lib/validationArgs";
import { record } from "./support/harness";

describe("parsePolicyDocument", () => {
  test.each([
    ['{"Statement":[{"Effect":"Allow"}]}', { statements: [{ Effect: "Allow" }] }],
    ['{"Statement":{"Effect":"Deny"}}', { statements: [{ Effect: "Deny" }] }],
    [{ Statement: [{ Effect: "Allow" }, null] }, { statements: [{ Effect: "Allow" }] }],
    ['{"Version":"2012-10-17"}', { statements: [] }],
    ["nope", { error: "the policy document is not valid JSON" }],
    ["42", { error: "the policy document is not a JSON object" }],
  ])("%j", (document, expected) => {
    expect(parsePolicyDocument(document)).toEqual(expected);
  });
});

describe("wildcardGrants", () => {
  const services = ["s3", "kms", "secretsmanager"];
  test.each([
    [{ Effect: "Allow", Action: "*" }, ["*"]],
    [{ Action: "s3:*" }, ["s3:*"]],
    [{ Effect: "Allow", Action: ["s3:GetObject", "s3:Put*", "kms:*Key"] }, ["s3:Put*", "kms:*Key"]],
    [{ Effect: "Allow", Action: "secretsmanager:Get*" }, ["secretsmanager:Get*"]],
    [{ Effect: "Allow", Action: ["logs:*", "ec2:Describe*"] }, []],
    [{ Effect: "Allow", Action: ["s3:GetObject", "kms:Decrypt"] }, []],
    [{ Effect: "Deny", Action: "*" }, []],
    [{ Effect: "Allow", NotAction: ["s3:DeleteObject"] }, ["NotAction s3:DeleteObject"]],
  ])("%j → %j", (statement, expected) => {
    expect(wildcardGrants(statement, services)).toEqual(expected);
  });
});

describe("deniesInsecureTransport", () => {
  const base = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  test.each([
    [base, true],
    [{ ...base, Principal: { AWS: "*" } }, true],
    [{ ...base, Action: ["*"] }, true],
    [{ ...base, Resource: "*" }, true],
    [{ ...base, Condition: { Bool: { "aws:SecureTransport": false } } }, true],
    [{ ...base, Condition: { Bool: { "aws:SecureTransport": ["false"] } } }, true],
    [{ ...base, Effect: "Allow" }, false],
    [{ ...base, Principal: { Service: "s3.amazonaws.com" } }, false],
    [{ ...base, Condition: undefined }, false],
    [{ ...base, Resource: ["arn:aws:s3:::b/*"] }, false],
  ])("%j → %s", (statement, expected) => {
    expect(deniesInsecureTransport(statement)).toBe(expected);
  });
  test("asList", () => {
    expect([asList(undefined), asList("a"), asList(["a", "b"])]).toEqual([[], ["a"], ["a", "b"]]);
  });
});

describe("connection strings", () => {
  test.each([
    ["postgres://u:p@h/d", true],
    ["postgresql://u:p%40ss@h:5432/d?sslmode=require", true],
    ["jdbc:postgresql://u:p@h/d", true],
    ["postgres://u@h/d", false],
    ["postgres://h:5432/d", false],
    ["mysql://u:p@h/d", false],
    [undefined, false],
    [42, false],
  ])("%j → %s", (value, expected) => {
    expect(containsPasswordUrl(value)).toBe(expected);
  });
  test("names the variables, not the values", () => {
    expect(variablesWithPasswordUrls({ A: "postgres://u:p@h/d", B: "x", C: "postgresql://x:y@z/w" })).toEqual([
      "A",
      "C",
    ]);
    expect(variablesWithPasswordUrls(undefined)).toEqual([]);
  });
  test.each([
    ['[{"name":"c","environment":[{"name":"A","value":"1"}]}]', [{ container: "c", variables: { A: "1" } }]],
    [[{ environment: [] }], [{ container: "(unnamed)", variables: {} }]],
    ["not json", []],
    ['{"name":"c"}', []],
  ])("containerEnvironments(%j)", (definitions, expected) => {
    expect(containerEnvironments(definitions)).toEqual(expected);
  });
});

describe("validation args (the CrossGuard server's shape)", () => {
  const bucketClass = { __pulumiType: "aws:s3/bucket:Bucket" };
  const queueClass = { isInstance: (o: { __pulumiType?: string }) => o.__pulumiType === "aws:sqs/queue:Queue" };

  test("resource args: isType/asType by __pulumiType or isInstance, notApplicable throws, config, tags, options", () => {
    const r = record(
      "aws:s3/bucket:Bucket",
      "b",
      { bucket: "x" },
      { parentUrn: "urn:parent", opts: { protect: true } },
    );
    const args = resourceValidationArgs(r, { config: { a: 1 }, stackTags: new Map([["team", "dr"]]) });
    expect([args.isType(bucketClass as any), args.isType(queueClass as any)]).toEqual([true, false]);
    expect(args.asType(bucketClass as any)).toEqual({ bucket: "x" });
    expect(args.asType(queueClass as any)).toBeUndefined();
    expect(() => args.notApplicable("because")).toThrow(NotApplicableError);
    expect(args.getConfig()).toEqual({ a: 1 });
    expect(args.stackTags.get("team")).toBe("dr");
    expect(args.opts).toMatchObject({ protect: true, parent: "urn:parent", ignoreChanges: [] });
    expect([args.urn, args.name, args.type]).toEqual([
      urnFor("aws:s3/bucket:Bucket", "b"),
      "b",
      "aws:s3/bucket:Bucket",
    ]);
  });

  test("stack args link parents, dependencies and property dependencies to objects", () => {
    const parent = record("bloom-dr:backup:BackupVault", "vault", {});
    const bucket = record("aws:s3/bucket:Bucket", "b", {}, { parentUrn: parent.urn });
    const versioning = record(
      "aws:s3/bucketVersioning:BucketVersioning",
      "v",
      {},
      {
        parentUrn: parent.urn,
        dependencyUrns: [bucket.urn, "urn:unknown"],
        propertyDependencyUrns: { bucket: [bucket.urn] },
      },
    );
    const [p, b, v] = policyResources([parent, bucket, versioning]);
    expect(b.parent).toBe(p);
    expect(v.dependencies).toEqual([b]);
    expect(v.propertyDependencies.bucket).toEqual([b]);
    const args = stackValidationArgs([bucket]);
    expect(args.resources[0].isType(bucketClass as any)).toBe(true);
    expect(() => args.notApplicable()).toThrow(NotApplicableError);
  });

  test("forTypes marks other types not applicable; readConfig fills defaults", () => {
    const seen: string[] = [];
    const validate = forTypes(["aws:s3/bucket:Bucket"], (props) => {
      seen.push(props.bucket);
    });
    validate(resourceValidationArgs(record("aws:s3/bucket:Bucket", "b", { bucket: "x" })), () => undefined);
    expect(seen).toEqual(["x"]);
    expect(() => validate(resourceValidationArgs(record("aws:sqs/queue:Queue", "q", {})), () => undefined)).toThrow(
      NotApplicableError,
    );
    const args = resourceValidationArgs(record("t", "n", {}), { config: { min: 5, other: undefined } });
    expect(readConfig(args, { min: 1, other: "x" })).toEqual({ min: 5, other: "x" });
  });
});

describe("links while values are unknown (pulumi preview)", () => {
  // The engine's props proxy throws when a rule reads a value that is not computed yet.
  const unknownProps = (known: Record<string, unknown>) =>
    new Proxy(known, {
      get(target, key) {
        if (typeof key === "string" && !(key in target)) throw new Error(`unknown value ${key}`);
        return (target as Record<string | symbol, unknown>)[key];
      },
    });

  test("knownValue reads known values and treats unknown ones as absent", () => {
    const props = unknownProps({ a: 1 });
    expect([knownValue(props, "a"), knownValue(props, "b")]).toEqual([1, undefined]);
  });

  test("refersTo uses property dependencies without reading unknown values", () => {
    const [bucket, versioning] = policyResources([
      record("aws:s3/bucket:Bucket", "b", {}),
      record(
        "aws:s3/bucketVersioning:BucketVersioning",
        "v",
        {},
        { propertyDependencyUrns: { bucket: [urnFor("aws:s3/bucket:Bucket", "b")] } },
      ),
    ]);
    bucket.props = unknownProps({});
    versioning.props = unknownProps({});
    expect(refersTo(versioning, "bucket", bucket, ["bucket", "id"])).toBe(true);
    const [, unlinked] = policyResources([
      record("aws:s3/bucket:Bucket", "b", {}),
      record("aws:s3/bucketVersioning:BucketVersioning", "v", {}),
    ]);
    unlinked.props = unknownProps({});
    expect(refersTo(unlinked, "bucket", bucket, ["bucket", "id"])).toBe(false);
  });

  test("forTypes with one type carries the server's fast-path type tag", () => {
    expect((forTypes(["aws:kms/key:Key"], () => undefined) as unknown as { __pulumiType?: string }).__pulumiType).toBe(
      "aws:kms/key:Key",
    );
    expect(
      (forTypes(["a", "b"], () => undefined) as unknown as { __pulumiType?: string }).__pulumiType,
    ).toBeUndefined();
  });
});

describe("deniesToAllButNamed", () => {
  const base = {
    Effect: "Deny",
    Principal: "*",
    Action: ["kms:ScheduleKeyDeletion"],
    Resource: "*",
    Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::1:role/break-glass" } },
  };
  test.each([
    ["a deny with a named exemption", base, true],
    ["a deny without condition", { ...base, Condition: undefined }, true],
    ["ArnNotLike on the principal", { ...base, Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:*" } } }, true],
    ["kms:* covers the action", { ...base, Action: "kms:*" }, true],
    ["an Allow", { ...base, Effect: "Allow" }, false],
    ["some principals only", { ...base, Principal: { AWS: "arn:aws:iam::1:user/x" } }, false],
    ["another action", { ...base, Action: "kms:Decrypt" }, false],
    [
      "another condition could switch it off",
      { ...base, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      false,
    ],
    [
      "the principal condition mixed with another key",
      { ...base, Condition: { ArnNotEquals: { "aws:PrincipalArn": "a", "aws:SourceArn": "b" } } },
      false,
    ],
  ])("%s: %s", (_label, statement, expected) => {
    expect(deniesToAllButNamed(statement as never, "kms:ScheduleKeyDeletion")).toBe(expected);
  });

  test("a resource must be covered when one is given", () => {
    const statement = { ...base, Action: "s3:PutBucketPolicy", Resource: "arn:aws:s3:::vault" };
    expect(deniesToAllButNamed(statement, "s3:PutBucketPolicy", "arn:aws:s3:::vault")).toBe(true);
    expect(deniesToAllButNamed(statement, "s3:PutBucketPolicy", "arn:aws:s3:::other")).toBe(false);
    expect(undeniedActions([statement], ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"])).toEqual([
      "s3:DeleteBucketPolicy",
    ]);
  });
});
