/**
 * Formats of the strings that stack config accepts. Pure: shared by the zod schemas and their
 * tests. Each pattern comes with the phrase an error message uses to say what is allowed.
 */

/** Postgres identifiers we create (database and role names): unquoted-safe, ≤ 63 bytes. */
export const POSTGRES_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
export const POSTGRES_IDENTIFIER_RULE =
  "must be a lowercase Postgres identifier (a-z, 0-9, _; 1-63 characters, not starting with a digit)";

/**
 * Neon branch names used here double as Pulumi logical names, so they are kept DNS-like:
 * lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen.
 */
export const NEON_BRANCH_NAME = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const NEON_BRANCH_NAME_RULE =
  "must be a Neon branch name (a-z, 0-9, -; 1-63 characters, starting with a letter, not ending with -)";

/** Neon region ids look like aws-us-east-2 or azure-eastus2. */
export const NEON_REGION = /^(aws|azure)-[a-z0-9]+(-[a-z0-9]+)*$/;
export const NEON_REGION_RULE = "must be a Neon region id such as aws-us-east-2 or azure-eastus2";

/**
 * Neon organization ids look like org-cold-wave-12345678. The project is created in it; Neon
 * cannot move a project to another organization, so the provider replaces the project when it
 * changes (and `protect` refuses that).
 */
export const NEON_ORG_ID = /^org-[a-z0-9]+(-[a-z0-9]+)*$/;
export const NEON_ORG_ID_RULE =
  "must be a Neon organization id like org-cold-wave-12345678 (Neon Console > organization Settings); set it before the first deploy: changing it later replaces the project, which protect refuses";

export const NEON_PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const NEON_PROJECT_NAME_RULE = "must be 1-64 characters of letters, digits, space, dot, _ or -";

/** ISO-8601 in UTC with an explicit Z, so a timestamp means the same thing everywhere. */
export const ISO_UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export const ISO_UTC_TIMESTAMP_RULE = "must be an ISO-8601 UTC timestamp like 2026-03-01T14:05:00Z";

/** EventBridge Scheduler: cron with six fields, or rate(N unit). */
export const SCHEDULE_EXPRESSION = /^(cron\((\S+\s){5}\S+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\))$/;
export const SCHEDULE_EXPRESSION_RULE =
  'must be an EventBridge Scheduler expression like "cron(0 2 * * ? *)" or "rate(6 hours)"';

/** S3 key prefix: relative, ends with "/". */
export const S3_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/;
export const S3_PREFIX_RULE = 'must be an S3 key prefix like "production/" (no leading /, ending with /)';

export const IAM_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
export const IAM_ROLE_ARN_RULE = "must be an IAM role ARN like arn:aws:iam::123456789012:role/bloom-break-glass";

/** What a policy's aws:PrincipalArn can name: an IAM role or user (an STS session ARN cannot). */
export const IAM_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
export const IAM_PRINCIPAL_ARN_RULE =
  "must be an IAM role or user ARN like arn:aws:iam::123456789012:role/bloom-deployer (for an assumed role, the role's ARN, not the session's)";

export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const AWS_REGION_RULE = "must be an AWS region like us-west-2";

export const RDS_INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
export const RDS_INSTANCE_CLASS_RULE = "must be an RDS instance class like db.t4g.medium";

export const POSTGRES_ENGINE_VERSION = /^(1[4-9])(\.\d{1,2})?$/;
export const POSTGRES_ENGINE_VERSION_RULE = 'must be an RDS PostgreSQL version, major 14 or later, like "17" or "16.4"';

export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
export const VPC_ID_RULE = "must be a VPC id like vpc-0123456789abcdef0";
export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
export const SUBNET_ID_RULE = "must be a subnet id like subnet-0123456789abcdef0";

/** Pulumi stack reference: stack, project/stack or org/project/stack. */
export const STACK_REFERENCE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;
export const STACK_REFERENCE_RULE =
  "must be a Pulumi stack name: prod (this organization and project), bloom-dr/prod or acme/bloom-dr/prod";

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
export const CIDR_RULE = "must be an IPv4 CIDR like 10.0.0.0/16, narrower than /0";

/** An IPv4 CIDR with valid octets and a prefix of 1..32 (0.0.0.0/0 would open the database to everyone). */
export function isPrivateReachCidr(value: string): boolean {
  const match = IPV4_CIDR.exec(value);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  return octets.every((octet) => octet <= 255) && prefix >= 1 && prefix <= 32;
}

export const HTTP_URL_RULE =
  "must be an http:// or https:// URL without credentials, e.g. https://app.example.com/api/health";

/** An absolute http(s) URL with a host and no user:password@ part (it is plain config, printed in errors). */
export function isHttpUrlWithoutCredentials(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "" && !url.username && !url.password;
}
