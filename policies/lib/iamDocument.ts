/** Pure helpers over IAM / bucket policy JSON documents (as strings or objects). */

export interface IamStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export type ParsedDocument = { statements: IamStatement[] } | { error: string };

/** Parses a policy document given as JSON text or an object; a single statement is normalised to a list. */
export function parsePolicyDocument(document: unknown): ParsedDocument {
  let value: unknown = document;
  if (typeof document === "string") {
    try {
      value = JSON.parse(document);
    } catch {
      return { error: "the policy document is not valid JSON" };
    }
  }
  if (value === null || typeof value !== "object") {
    return { error: "the policy document is not a JSON object" };
  }
  const statement = (value as { Statement?: unknown }).Statement;
  if (statement === undefined) return { statements: [] };
  const list = Array.isArray(statement) ? statement : [statement];
  return { statements: list.filter((s): s is IamStatement => s !== null && typeof s === "object") };
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The actions of an Allow statement that grant a wildcard over one of `services` ("*",
 * "s3:*", "kms:Get*", "secretsmanager:*Secret"...). `NotAction` in an Allow grants everything
 * not listed, so it counts as a wildcard too. Deny statements never widen access.
 */
export function wildcardGrants(statement: IamStatement, services: readonly string[]): string[] {
  if ((statement.Effect ?? "Allow") !== "Allow") return [];
  const offending: string[] = [];
  for (const action of asList(statement.Action)) {
    if (action === "*") {
      offending.push(action);
      continue;
    }
    const [service, name = ""] = action.toLowerCase().split(":", 2);
    if (services.includes(service) && name.includes("*")) offending.push(action);
  }
  for (const action of asList(statement.NotAction)) offending.push(`NotAction ${action}`);
  return offending;
}

function principalIsEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object") {
    const aws = (principal as { AWS?: unknown }).AWS;
    return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
  }
  return false;
}

/**
 * True when the statement denies every S3 action to everyone whenever the request is not
 * made over TLS (`aws:SecureTransport` = false), on the bucket and on its objects.
 */
export function deniesInsecureTransport(statement: IamStatement): boolean {
  if (statement.Effect !== "Deny" || !principalIsEveryone(statement.Principal)) return false;
  const actions = asList(statement.Action);
  if (!actions.includes("s3:*") && !actions.includes("*")) return false;
  const secureTransport = statement.Condition?.Bool?.["aws:SecureTransport"];
  const values = Array.isArray(secureTransport) ? secureTransport : [secureTransport];
  if (!values.some((v) => v === false || String(v).toLowerCase() === "false")) return false;
  const resources = asList(statement.Resource);
  const coversObjects = resources.some((r) => r === "*" || r.endsWith("/*"));
  const coversBucket = resources.some((r) => r === "*" || !r.endsWith("/*"));
  return coversObjects && coversBucket;
}

/** Condition keys a Deny may exempt named principals with and still count as "everyone else". */
const PRINCIPAL_EXEMPTIONS = new Set(["ArnNotEquals", "ArnNotLike"]);

function coversAction(statement: IamStatement, action: string): boolean {
  const [service] = action.toLowerCase().split(":", 1);
  return asList(statement.Action).some((candidate) => {
    const lower = candidate.toLowerCase();
    return lower === "*" || lower === `${service}:*` || lower === action.toLowerCase();
  });
}

/**
 * Whether a Deny statement refuses `action` to every principal except, at most, principals it names
 * through `aws:PrincipalArn` (ArnNotEquals / ArnNotLike): the shape of a lock with a break-glass or
 * deployer exemption. Any other condition could switch the deny off and does not count.
 */
export function deniesToAllButNamed(statement: IamStatement, action: string, resource?: string): boolean {
  if (statement.Effect !== "Deny" || !principalIsEveryone(statement.Principal)) return false;
  if (!coversAction(statement, action)) return false;
  if (resource !== undefined) {
    const resources = asList(statement.Resource);
    if (!resources.includes("*") && !resources.includes(resource)) return false;
  }
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!PRINCIPAL_EXEMPTIONS.has(operator)) return false;
    if (Object.keys(block).some((key) => key.toLowerCase() !== "aws:principalarn")) return false;
  }
  return true;
}

/** The actions of `required` that no statement of the document denies to all but named principals. */
export function undeniedActions(
  statements: readonly IamStatement[],
  required: readonly string[],
  resource?: string,
): string[] {
  return required.filter((action) => !statements.some((s) => deniesToAllButNamed(s, action, resource)));
}
