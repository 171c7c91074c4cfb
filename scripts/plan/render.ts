/**
 * Prints a plan: the resource tree (type, logical name, key inputs, secrets masked) and the
 * policy violations. Pure: takes records, returns text or a JSON-ready object.
 */
import type { Violation } from "../../policies/lib/evaluate";
import { maskSecrets, PlannedResource } from "./recorder";

/** The inputs worth a glance per type: dotted paths (numbers index arrays), or [label, path]. */
const KEY_INPUTS: Record<string, Array<string | [string, string]>> = {
  "aws:s3/bucket:Bucket": ["bucket", "objectLockEnabled", "forceDestroy"],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm",
    "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId",
    "rules.0.bucketKeyEnabled",
  ],
  "aws:s3/bucketVersioning:BucketVersioning": ["versioningConfiguration.status"],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
  ],
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": [
    "rule.defaultRetention.mode",
    "rule.defaultRetention.days",
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [
    "rules.0.expiration.days",
    "rules.0.noncurrentVersionExpiration.noncurrentDays",
  ],
  "aws:kms/key:Key": ["enableKeyRotation", "deletionWindowInDays"],
  "aws:rds/instance:Instance": [
    "identifier",
    "engineVersion",
    "instanceClass",
    "allocatedStorage",
    "publiclyAccessible",
    "storageEncrypted",
    "backupRetentionPeriod",
    "skipFinalSnapshot",
    "deletionProtection",
    "tags.bloom-dr:failover-mode",
  ],
  "aws:lambda/function:Function": ["packageType", "memorySize", "timeout", "imageUri"],
  "aws:ecs/taskDefinition:TaskDefinition": ["family", "cpu", "memory"],
  "aws:scheduler/schedule:Schedule": [
    "scheduleExpression",
    ["target", "target.arn"],
    ["deadLetterQueue", "target.deadLetterConfig.arn"],
    "target.retryPolicy.maximumRetryAttempts",
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["namespace", "metricName", "comparisonOperator", "threshold", "period"],
  "aws:sns/topic:Topic": ["name", "tags.bloom-dr:severity"],
  "aws:sns/topicSubscription:TopicSubscription": ["protocol", "endpoint"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretString"],
  "neon:index/project:Project": ["name", "regionId", "pgVersion", "historyRetentionSeconds"],
  "neon:index/branch:Branch": ["name", "parentTimestamp"],
  "pulumi:pulumi:StackReference": ["name"],
};

const MAX_VALUE = 72;

function at(value: unknown, path: string): unknown {
  // Tag keys contain ":" and "-", never ".", so splitting on "." is safe.
  return path
    .split(".")
    .reduce<unknown>(
      (cursor, part) =>
        cursor !== null && typeof cursor === "object" ? (cursor as Record<string, unknown>)[part] : undefined,
      value,
    );
}

function formatValue(value: unknown): string {
  const text = typeof value === "string" ? value : value === undefined ? "(none)" : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** `label=value` pairs of a resource's key inputs (secrets already masked). */
export function keyInputs(resource: Pick<PlannedResource, "type" | "inputs">): string[] {
  const inputs = maskSecrets(resource.inputs);
  const paths =
    KEY_INPUTS[resource.type] ??
    Object.keys(inputs)
      .filter((k) => k !== "tags" && k !== "tagsAll" && inputs[k] !== null && typeof inputs[k] !== "object")
      .slice(0, 4);
  return paths
    .map((entry) => (typeof entry === "string" ? [entry.split(".").pop() as string, entry] : entry))
    .map(([label, path]) => [label, at(inputs, path)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `${label}=${formatValue(value)}`);
}

function depthOf(resource: PlannedResource, byUrn: Map<string, PlannedResource>): number {
  let depth = 0;
  for (let parent = resource.parentUrn; parent && byUrn.has(parent); parent = byUrn.get(parent)?.parentUrn) depth++;
  return depth;
}

/** Resources in tree order: each parent followed by its children, in registration order. */
function treeOrder(resources: readonly PlannedResource[]): PlannedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string | undefined, PlannedResource[]>();
  for (const r of resources) {
    const parent = r.parentUrn && byUrn.has(r.parentUrn) ? r.parentUrn : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const ordered: PlannedResource[] = [];
  const visit = (parent: string | undefined) => {
    for (const child of children.get(parent) ?? []) {
      ordered.push(child);
      visit(child.urn);
    }
  };
  visit(undefined);
  return ordered;
}

export interface PlanReport {
  stack: string;
  configSource: string;
  resources: readonly PlannedResource[];
  outputs: Record<string, unknown>;
  /** The program's warnings (config notices), as `pulumi up` prints them. */
  warnings?: readonly string[];
  violations: readonly Violation[];
  ruleCount: number;
}

export function renderText(report: PlanReport): string {
  const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
  const custom = report.resources.filter((r) => r.custom).length;
  const lines = [
    `bloom-dr offline plan · stack ${report.stack} · config ${report.configSource}`,
    `${report.resources.length} resources (${custom} provider resources, ${report.resources.length - custom} components)`,
    "",
  ];
  for (const resource of treeOrder(report.resources)) {
    const indent = "  ".repeat(depthOf(resource, byUrn));
    const flags = [
      resource.protect ? "protected" : "",
      resource.retainOnDelete ? "retained" : "",
      resource.read ? "read" : "",
    ]
      .filter(Boolean)
      .map((f) => ` [${f}]`)
      .join("");
    const inputs = keyInputs(resource).join(" ");
    lines.push(`+ ${indent}${resource.type} ${resource.name}${flags}${inputs ? `  ${inputs}` : ""}`);
  }
  if ((report.warnings ?? []).length > 0) {
    lines.push("", "Warnings:");
    for (const warning of report.warnings ?? []) lines.push(`  ${warning}`);
  }
  lines.push("", "Outputs:");
  for (const [name, value] of Object.entries(maskSecrets(report.outputs)))
    lines.push(`  ${name}: ${formatValue(value)}`);
  lines.push(
    "",
    `Policies: ${report.ruleCount} rules of bloom-dr-recovery-guarantees evaluated over ${report.resources.length} resources`,
  );
  for (const v of report.violations) {
    const target = v.resourceName ? `${v.resourceType} ${v.resourceName}` : "(stack)";
    lines.push(`  ${v.enforcementLevel === "advisory" ? "advisory " : "MANDATORY"} ${v.rule}: ${target}: ${v.message}`);
  }
  const mandatory = report.violations.filter((v) => v.enforcementLevel !== "advisory").length;
  const advisory = report.violations.length - mandatory;
  lines.push(
    mandatory === 0 && advisory === 0
      ? "  no violations"
      : `  ${mandatory} mandatory, ${advisory} advisory violation(s)`,
  );
  return lines.join("\n");
}

export function renderJson(report: PlanReport): Record<string, unknown> {
  return {
    stack: report.stack,
    configSource: report.configSource,
    resources: report.resources.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      custom: r.custom,
      ...(r.parentUrn ? { parent: r.parentUrn } : {}),
      ...(r.protect ? { protect: true } : {}),
      ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(r.dependencyUrns.length > 0 ? { dependencies: r.dependencyUrns } : {}),
      inputs: maskSecrets(r.inputs),
    })),
    outputs: maskSecrets(report.outputs),
    warnings: report.warnings ?? [],
    violations: report.violations,
    mandatoryViolations: report.violations.filter((v) => v.enforcementLevel !== "advisory").length,
  };
}
