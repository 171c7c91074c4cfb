/** The IAM policy document shape the pure policy builders return (JSON-serialisable). */
export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly AWS?: string | string[]; readonly Service?: string | string[] };
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The condition that exempts principals from a Deny: `aws:PrincipalArn` is the role's ARN for every
 * session of a role (whatever the session name) and the user's ARN for a user. None: deny everyone.
 */
export function exceptPrincipals(arns: readonly string[]): Pick<PolicyStatement, "Condition"> {
  const unique = [...new Set(arns)];
  if (unique.length === 0) return {};
  return { Condition: { ArnNotEquals: { "aws:PrincipalArn": unique.length === 1 ? unique[0] : unique } } };
}

/**
 * A backup prefix as an S3 key prefix: relative, ending in "/", so "production/" never also
 * matches "production-old/...".
 */
export function normalizePrefix(prefix: string): string {
  if (!/^[A-Za-z0-9!_.*'()/-]+\/$/.test(prefix) || prefix.startsWith("/") || prefix.includes("//")) {
    throw new Error(
      `backup prefix must be a relative S3 key prefix ending in "/", e.g. "production/" (got "${prefix}")`,
    );
  }
  return prefix;
}
