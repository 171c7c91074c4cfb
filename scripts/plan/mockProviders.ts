/**
 * What the offline plan answers in place of the cloud providers: plausible computed outputs
 * for each resource (ids, ARNs, names, endpoints), the provider functions (invokes) the program
 * calls, and the prod stack's outputs for the dr stack's StackReference. Every answer is
 * deterministic so two plans of the same config print the same thing. The unit-test harness
 * (test/support/pulumiMocks.ts) answers resources and invokes from here too, with its own
 * MockNaming, so a type the plan learns to answer is answered in tests as well.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const PLAN_ACCOUNT_ID = "123456789012";
export const PLAN_REGION = "us-east-1";

/** The values a provider would make up, which the plan and the tests spell differently. */
export interface MockNaming {
  /** The physical name of a resource whose inputs do not name it. */
  physicalName(logicalName: string): string;
  /**
   * The password Neon holds for a role (by logical name, or "<branch id>-<role>" for a branch's
   * copy), or the one random.RandomPassword generates.
   */
  password(logicalName: string): string;
  /** The password of an ECR authorization token. */
  readonly registryPassword: string;
}

/** Names the plan prints: visibly offline. */
export const PLAN_NAMING: MockNaming = {
  physicalName: (logicalName) => `${logicalName}-offline`,
  password: () => "offline-plan-password",
  registryPassword: "offline-plan-ecr-password",
};

export interface ProdOutputOptions {
  /** The prod stack's aws:region. */
  region?: string;
  /** bloom-dr:backup.replicaRegion of the prod stack: a replica vault is exported too. */
  replicaRegion?: string;
  /** bloom-dr:backup.prefix of the prod stack. */
  backupPrefix?: string;
  /** bloom-dr:neon.logicalReplication of the prod stack: the replication role's URL is exported too. */
  logicalReplication?: boolean;
  /** bloom-dr:neon.replicationRoleName (default bloom_replicator). */
  replicationRoleName?: string;
}

/** Outputs the prod stack exports as secrets; a StackReference hands them over marked secret. */
export const PROD_SECRET_OUTPUTS = ["directConnectionUri", "pooledConnectionUri", "replicationSourceUrl"] as const;

/** The outputs index.ts exports for the prod stack, as the dr stack reads them. */
export function prodStackOutputs(options: ProdOutputOptions = {}): Record<string, unknown> {
  const region = options.region ?? PLAN_REGION;
  const bucket = "bloom-dr-prod-vault-offline";
  const replica = options.replicaRegion
    ? {
        vaultReplicaBucketName: `${bucket}-replica`,
        vaultReplicaBucketArn: `arn:aws:s3:::${bucket}-replica`,
        vaultReplicaKeyArn: `arn:aws:kms:${options.replicaRegion}:${PLAN_ACCOUNT_ID}:key/00000000-0000-4000-8000-000000000003`,
        appDatabaseUrlSecretReplicaArn: `arn:aws:secretsmanager:${options.replicaRegion}:${PLAN_ACCOUNT_ID}:secret:bloom-dr-app-database-url-AbCdEf`,
      }
    : {};
  return {
    vaultBucketName: bucket,
    vaultBucketArn: `arn:aws:s3:::${bucket}`,
    vaultKeyArn: `arn:aws:kms:${region}:${PLAN_ACCOUNT_ID}:key/00000000-0000-4000-8000-000000000001`,
    ...replica,
    backupPrefix: options.backupPrefix ?? "production/",
    appDatabaseUrlSecretArn: `arn:aws:secretsmanager:${region}:${PLAN_ACCOUNT_ID}:secret:bloom-dr-app-database-url-AbCdEf`,
    backupImageUri: `${PLAN_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/bloom-dr-backup@sha256:${"0".repeat(64)}`,
    logicalReplication: options.logicalReplication === true,
    ...(options.logicalReplication ? replicationOutputs(options.replicationRoleName ?? "bloom_replicator") : {}),
  };
}

function replicationOutputs(role: string): Record<string, unknown> {
  return {
    replicationRoleName: role,
    replicationSourceUrl: `postgresql://${role}:offline-plan-password@ep-primary-endpoint-offline.aws.neon.tech/bloom?sslmode=require`,
  };
}

function service(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

function arn(type: string, name: string, region: string): string {
  return `arn:aws:${service(type)}:${region}:${PLAN_ACCOUNT_ID}:${name}`;
}

/** Deterministic hex from a seed: what a random provider would have made up. */
function stableHex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * What the promotion function answers (the contract with runtime/handlers/promote.ts), for an
 * instance restored from a backup taken at 02:00 and promoted at 09:30 the same day.
 */
export const MOCK_PROMOTION_RESULT = {
  ok: true,
  path: "restored",
  backupId: "20260310T020000Z-offline",
  snapshotAt: "2026-03-10T02:00:00.000Z",
  rpoSeconds: 27_000,
  servingSince: "2026-03-10T09:30:00.000Z",
  appRole: "bloom_app",
  phases: { verify: 1200, restore: 41_000, role: 300, validate: 2500, mark: 50 },
  totalMs: 45_050,
} as const;

/** What `replicate setup` answers (the contract with runtime/handlers/replicate.ts): a first setup. */
export const MOCK_REPLICATION_SETUP_RESULT = {
  ok: true,
  action: "setup",
  changed: true,
  tables: 12,
  publication: "bloom_dr",
  subscription: "bloom_dr",
} as const;

/** The answer of the function an Invocation calls, by its event: replicate setup, else the promotion. */
function invocationResult(input: unknown): string {
  let event: unknown;
  try {
    event = typeof input === "string" ? JSON.parse(input) : undefined;
  } catch {
    event = undefined;
  }
  const action = (event as { action?: unknown } | undefined)?.action;
  return JSON.stringify(action === "setup" ? MOCK_REPLICATION_SETUP_RESULT : MOCK_PROMOTION_RESULT);
}

export interface MockAnswer {
  id: string | undefined;
  state: Record<string, any>;
}

/** Computed outputs by type; everything else echoes its inputs plus an id, arn and name. */
export function mockResourceState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  stackRegion = PLAN_REGION,
  naming: MockNaming = PLAN_NAMING,
): MockAnswer {
  // AWS provider v7: a resource's own `region` input wins over the stack's (the replica vault).
  const region = typeof inputs.region === "string" ? inputs.region : stackRegion;
  const physical = naming.physicalName(name);
  const named = typeof inputs.name === "string" ? inputs.name : physical;
  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? physical;
      return {
        id: bucket,
        state: {
          bucket,
          arn: `arn:aws:s3:::${bucket}`,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        },
      };
    }
    case "aws:kms/key:Key":
      return { id: `${name}-key-id`, state: { arn: arn(type, `key/${name}-key-id`, region), keyId: `${name}-key-id` } };
    case "aws:ecr/repository:Repository":
      return {
        id: named,
        state: {
          name: named,
          arn: arn(type, `repository/${named}`, region),
          repositoryUrl: `${PLAN_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${named}`,
          registryId: PLAN_ACCOUNT_ID,
        },
      };
    case "docker-build:index:Image": {
      const digest = `sha256:${"1".repeat(64)}`;
      const tag = Array.isArray(inputs.tags) && typeof inputs.tags[0] === "string" ? inputs.tags[0] : `${name}:latest`;
      return { id: digest, state: { digest, ref: `${tag.split(":")[0]}@${digest}` } };
    }
    case "aws:lambda/function:Function":
      return {
        id: named,
        state: {
          name: named,
          arn: arn(type, `function:${named}`, region),
          invokeArn: `arn:aws:apigateway:${region}:lambda:path/functions/${named}/invocations`,
          version: "$LATEST",
        },
      };
    case "aws:ecs/taskDefinition:TaskDefinition":
      return {
        id: `${inputs.family ?? name}:1`,
        state: {
          arn: arn(type, `task-definition/${inputs.family ?? name}:1`, region),
          revision: 1,
          arnWithoutRevision: arn(type, `task-definition/${inputs.family ?? name}`, region),
        },
      };
    case "aws:rds/instance:Instance": {
      const identifier = inputs.identifier ?? physical;
      const address = `${identifier}.offline.${region}.rds.amazonaws.com`;
      return {
        id: identifier,
        state: {
          identifier,
          arn: arn(type, `db:${identifier}`, region),
          address,
          endpoint: `${address}:5432`,
          port: 5432,
          resourceId: `db-${name.toUpperCase()}`,
          masterUserSecrets: [
            {
              secretArn: arn("aws:secretsmanager", `secret:rds!${identifier}`, region),
              kmsKeyId: "",
              secretStatus: "active",
            },
          ],
        },
      };
    }
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return {
        id: `${inputs.secretId ?? name}|${name}-version`,
        state: { arn: inputs.secretId, versionId: `${name}-version` },
      };
    case "aws:lambda/invocation:Invocation":
      return {
        id: `${inputs.functionName ?? name},$LATEST,${stableHex(name, 32)}`,
        state: { result: invocationResult(inputs.input), qualifier: "$LATEST" },
      };
    case "random:index/randomPassword:RandomPassword": {
      // Letters and digits only, like the component's settings (special: false).
      const result = naming.password(name).replace(/[^A-Za-z0-9]/g, "");
      return { id: "none", state: { result, bcryptHash: `$2a$10$${stableHex(result, 53)}` } };
    }
    case "random:index/randomId:RandomId": {
      const hex = stableHex(`${name}:${JSON.stringify(inputs.keepers ?? {})}`, 2 * (inputs.byteLength ?? 4));
      return { id: hex, state: { hex, dec: BigInt(`0x${hex}`).toString(), b64Std: "", b64Url: "" } };
    }
    case "command:local:Command":
      return { id: `${name}-command`, state: { stdout: "", stderr: "" } };
    case "aws:secretsmanager/secret:Secret":
      return {
        id: arn(type, `secret:${named}`, region),
        state: { arn: arn(type, `secret:${named}`, region), name: named },
      };
    case "aws:ec2/vpc:Vpc":
      return {
        id: `vpc-${name}`,
        state: { arn: arn(type, `vpc/vpc-${name}`, region), defaultSecurityGroupId: `sg-${name}-default` },
      };
    case "aws:ec2/subnet:Subnet":
      return { id: `subnet-${name}`, state: { arn: arn(type, `subnet/subnet-${name}`, region) } };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { id: `sg-${name}`, state: { arn: arn(type, `security-group/sg-${name}`, region) } };
    case "neon:index/project:Project":
      return {
        id: `${name}-project-id`,
        state: {
          defaultBranchId: `br-${name}-default`,
          defaultEndpointId: `ep-${name}-default`,
          databaseHost: `ep-${name}.${inputs.regionId ?? "aws-us-east-1"}.aws.neon.tech`,
          databaseHostPooler: `ep-${name}-pooler.${inputs.regionId ?? "aws-us-east-1"}.aws.neon.tech`,
          databaseName: "neondb",
          databaseUser: "neondb_owner",
          databasePassword: naming.password(name),
          connectionUri: `postgresql://neondb_owner:${naming.password(name)}@ep-${name}.aws.neon.tech/neondb`,
          connectionUriPooler: `postgresql://neondb_owner:${naming.password(name)}@ep-${name}-pooler.aws.neon.tech/neondb`,
        },
      };
    case "neon:index/branch:Branch":
      return { id: `br-${name}`, state: {} };
    case "neon:index/endpoint:Endpoint":
      return { id: `ep-${name}`, state: { host: `ep-${name}.aws.neon.tech`, proxyHost: "aws.neon.tech" } };
    case "neon:index/role:Role":
      return { id: `${name}-role`, state: { password: naming.password(name) } };
    case "aws:ssm/parameter:Parameter":
      return {
        id: named,
        state: {
          name: named,
          arn: arn(type, `parameter${named.startsWith("/") ? "" : "/"}${named}`, region),
          version: 1,
        },
      };
    default:
      return { id: physical, state: { arn: arn(type, named, region), name: named } };
  }
}

export type InvokeAnswer = (inputs: Record<string, any>) => Record<string, any>;

/**
 * What aws.iam.getSessionContext answers: an assumed-role session's role ARN (the real data
 * source also looks up the role's path, which a session ARN does not carry), anything else as is.
 */
export function sessionContext(arn: string): Record<string, string> {
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (!session) return { id: arn, arn, issuerArn: arn, issuerId: "", issuerName: "", sessionName: "" };
  const [, partition, account, role, sessionName] = session;
  const issuerArn = `arn:${partition}:iam::${account}:role/${role}`;
  return { id: arn, arn, issuerArn, issuerId: `AROA${role.toUpperCase()}`, issuerName: role, sessionName };
}

export function mockInvokes(region = PLAN_REGION, naming: MockNaming = PLAN_NAMING): Record<string, InvokeAnswer> {
  return {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
      accountId: PLAN_ACCOUNT_ID,
      arn: `arn:aws:iam::${PLAN_ACCOUNT_ID}:user/offline-plan`,
      userId: "AIDAOFFLINE",
      id: PLAN_ACCOUNT_ID,
    }),
    "aws:iam/getSessionContext:getSessionContext": (inputs) => sessionContext(String(inputs.arn)),
    "aws:index/getRegion:getRegion": () => ({
      name: region,
      region,
      id: region,
      description: region,
      endpoint: `ec2.${region}.amazonaws.com`,
    }),
    "aws:index/getPartition:getPartition": () => ({
      partition: "aws",
      dnsSuffix: "amazonaws.com",
      id: "aws",
      reverseDnsPrefix: "com.amazonaws",
    }),
    // An account opted in to a Local Zone: it sorts first unless the opt-in-status filter drops it.
    "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs) => {
      const filters: Array<{ name: string; values: string[] }> = inputs.filters ?? [];
      const regularOnly = filters.some(
        (f) => f.name === "opt-in-status" && f.values.length === 1 && f.values[0] === "opt-in-not-required",
      );
      const local = regularOnly ? [] : [`${region}-bos-1a`];
      return {
        id: region,
        names: [...local, `${region}a`, `${region}b`, `${region}c`],
        zoneIds: [...(regularOnly ? [] : ["use1-bos1-az1"]), "use1-az1", "use1-az2", "use1-az4"],
        groupNames: [...(regularOnly ? [] : [`${region}-bos-1`]), region],
        filters,
      };
    },
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
      authorizationToken: "QVdTOm9mZmxpbmU=",
      expiresAt: "2099-01-01T00:00:00Z",
      id: region,
      password: naming.registryPassword,
      proxyEndpoint: `https://${PLAN_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com`,
      userName: "AWS",
    }),
    // RDS-managed master secrets hold {"username","password"}; the dr stack builds the app URL from it.
    "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => ({
      id: `${inputs.secretId}|AWSCURRENT`,
      arn: inputs.secretId,
      secretId: inputs.secretId,
      secretString: JSON.stringify({ username: "bloom_admin", password: "offline-plan-password" }),
      versionId: "00000000-0000-4000-8000-000000000002",
      versionStage: "AWSCURRENT",
      versionStages: ["AWSCURRENT"],
    }),
    // No RDS instance matches: the app's DATABASE_URL does not point at this dr stack's instance.
    "aws:rds/getInstances:getInstances": (inputs) => ({
      id: region,
      region: inputs.region ?? region,
      instanceIdentifiers: [],
      instanceArns: [],
      filters: inputs.filters ?? [],
      tags: inputs.tags ?? {},
    }),
    "aws:ec2/getVpc:getVpc": () => ({
      id: "vpc-default",
      arn: `arn:aws:ec2:${region}:${PLAN_ACCOUNT_ID}:vpc/vpc-default`,
      cidrBlock: "172.31.0.0/16",
      default: true,
    }),
    "aws:ec2/getSubnets:getSubnets": () => ({ id: region, ids: ["subnet-default-a", "subnet-default-b"], filters: [] }),
    // A role's password on one branch: branches of a protected branch get their own passwords.
    "neon:index/getBranchRolePassword:getBranchRolePassword": (inputs) => ({
      id: `${inputs.projectId}/${inputs.branchId}/${inputs.roleName}/password`,
      projectId: inputs.projectId,
      branchId: inputs.branchId,
      roleName: inputs.roleName,
      password: naming.password(`${inputs.branchId}-${inputs.roleName}`),
    }),
  };
}

export interface PlanMocks extends pulumi.runtime.Mocks {
  /**
   * Errors the mocks raised. Pulumi drops the message of a failed invoke (the program then
   * fails with an empty error), so the plan reports these instead.
   */
  readonly failures: Error[];
}

/** Mocks for `pulumi.runtime.setMocks`; unmocked invokes fail loudly, naming the token. */
export function planMocks(options: {
  region?: string;
  stackReferences: Record<string, Record<string, unknown>>;
}): PlanMocks {
  const region = options.region ?? PLAN_REGION;
  const invokes = mockInvokes(region);
  const failures: Error[] = [];
  const fail = (message: string): never => {
    const error = new Error(message);
    failures.push(error);
    throw error;
  };
  return {
    failures,
    newResource({ type, name, inputs, custom }) {
      if (type === "pulumi:pulumi:StackReference") {
        const referenced = String(inputs?.name ?? name);
        // Any stack name works offline: the dr program only needs the prod outputs.
        const outputs = options.stackReferences[referenced] ?? options.stackReferences["*"];
        if (!outputs) fail(`plan: no offline outputs for StackReference "${referenced}"`);
        const secretOutputNames = PROD_SECRET_OUTPUTS.filter((output) => output in outputs!);
        return { id: referenced, state: { name: referenced, outputs, secretOutputNames } };
      }
      const answer = mockResourceState(type, name, inputs ?? {}, region);
      return { id: custom === false ? undefined : answer.id, state: { ...(inputs ?? {}), ...answer.state } };
    },
    call({ token, inputs }) {
      const answer = invokes[token];
      if (!answer)
        return fail(
          `plan: the offline plan does not answer the invoke ${token}; add it to scripts/plan/mockProviders.ts`,
        );
      return answer(inputs ?? {});
    },
  };
}
