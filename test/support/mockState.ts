/**
 * What the mock providers answer by default: plausible computed outputs per resource type (so
 * programs can chain resources) and the provider functions most components call.
 */
export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "us-east-1";
export const MOCK_PARTITION = "aws";

export type InvokeAnswer = (inputs: Record<string, any>) => Record<string, any>;

function arnFor(type: string, name: string): string {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return `arn:${MOCK_PARTITION}:${service}:${MOCK_REGION}:${MOCK_ACCOUNT_ID}:${name}`;
}

/** Plausible provider-computed outputs so that programs can chain resources under mocks. */
export function defaultState(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
  const physicalName = `${name}-id`;
  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? `${name}-bucket`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com` } };
    }
    case "aws:ecr/repository:Repository":
      return { id: inputs.name ?? name, state: { arn: arnFor(type, name), repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${inputs.name ?? name}` } };
    case "aws:rds/instance:Instance":
      return {
        id: physicalName,
        state: {
          arn: arnFor(type, name),
          address: `${name}.abc123.${MOCK_REGION}.rds.amazonaws.com`,
          endpoint: `${name}.abc123.${MOCK_REGION}.rds.amazonaws.com:5432`,
          port: 5432,
          masterUserSecrets: [{ secretArn: arnFor("aws:secretsmanager", `secret:${name}-master`), kmsKeyId: "", secretStatus: "active" }],
        },
      };
    case "neon:index/project:Project":
      return {
        id: `${name}-project-id`,
        state: {
          defaultBranchId: `br-${name}-default`,
          defaultEndpointId: `ep-${name}-default`,
          databaseHost: `ep-${name}.${inputs.regionId ?? "aws-us-east-1"}.aws.neon.tech`,
          databaseHostPooler: `ep-${name}-pooler.${inputs.regionId ?? "aws-us-east-1"}.aws.neon.tech`,
          databaseUser: "neondb_owner",
          databasePassword: "mock-owner-password",
          databaseName: "neondb",
          connectionUri: `postgresql://neondb_owner:mock-owner-password@ep-${name}.aws.neon.tech/neondb`,
          connectionUriPooler: `postgresql://neondb_owner:mock-owner-password@ep-${name}-pooler.aws.neon.tech/neondb`,
        },
      };
    case "neon:index/branch:Branch":
      return { id: `br-${name}`, state: {} };
    case "neon:index/endpoint:Endpoint":
      return { id: `ep-${name}`, state: { host: `ep-${name}.aws.neon.tech`, proxyHost: "aws.neon.tech" } };
    case "neon:index/role:Role":
      return { id: `${name}-role-id`, state: { password: `mock-password-${name}` } };
    case "pulumi:pulumi:StackReference":
      return { id: inputs.name ?? name, state: {} };
    default:
      return { id: physicalName, state: { arn: arnFor(type, inputs.name ?? name), name: inputs.name ?? physicalName } };
  }
}

export const DEFAULT_INVOKES: Record<string, InvokeAnswer> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`,
    userId: "AIDAMOCK",
    id: MOCK_ACCOUNT_ID,
  }),
  "aws:index/getRegion:getRegion": () => ({ name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION, description: "US East (N. Virginia)", endpoint: "ec2.us-east-1.amazonaws.com" }),
  "aws:index/getPartition:getPartition": () => ({ partition: MOCK_PARTITION, dnsSuffix: "amazonaws.com", id: MOCK_PARTITION, reverseDnsPrefix: "com.amazonaws" }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    id: MOCK_REGION,
    names: [`${MOCK_REGION}a`, `${MOCK_REGION}b`, `${MOCK_REGION}c`],
    zoneIds: ["use1-az1", "use1-az2", "use1-az3"],
  }),
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
    authorizationToken: "QVdTOm1vY2s=",
    expiresAt: "2099-01-01T00:00:00Z",
    id: MOCK_REGION,
    password: "mock-ecr-password",
    proxyEndpoint: `https://${MOCK_ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com`,
    userName: "AWS",
  }),
};
