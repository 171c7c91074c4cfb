/**
 * Reads the handlers' settings from the environment the Pulumi components set (the variable names
 * are the contract in ./contract.ts). Pure: reads a plain object, throws one-line errors that name
 * the variable.
 */
import { DEFAULT_APP_ROLE, DEFAULT_MAX_AGE_HOURS } from "../lib/promote/settings";
import {
  DEFAULT_MAX_LAG_SECONDS,
  DEFAULT_PUBLICATION,
  DEFAULT_SUBSCRIPTION,
  replicationNameProblem,
} from "../lib/replicate/settings";
import { ENV, REPLICATE_ENV } from "./contract";

export { ENV, REPLICATE_ENV };

export const RDS_CA_BUNDLE_PATH = "/opt/rds/global-bundle.pem";

export interface VaultSettings {
  bucket: string;
  /** As configured ("production/"): the metrics' dimension value. */
  prefix: string;
  /** "s3://bucket/production": what openStore() takes. */
  storeSpec: string;
}

export interface DumpSettings extends VaultSettings {
  sourceUrlSecretArn: string;
  kmsKeyId?: string;
}

export interface RestoreTestSettings extends VaultSettings {
  targetSecretArn: string;
  target: { host: string; port: number; database: string; sslmode: string; sslrootcert?: string };
  smokeQuery?: string;
  jobs?: number;
}

export function dumpSettingsFromEnv(env: NodeJS.ProcessEnv): DumpSettings {
  return {
    ...vaultSettings(env),
    sourceUrlSecretArn: required(env, ENV.sourceUrlSecretArn, "the ARN of the secret holding the source database URL"),
    kmsKeyId: optional(env, ENV.backupKmsKeyId),
  };
}

export interface PromoteSettings extends RestoreTestSettings {
  /** Default bloom_app. */
  appRole: string;
  appPasswordSecretArn: string;
  /** Default 26. */
  maxAgeHours: number;
  allowStale: boolean;
  /** A logical replica's source (REPLICATE_SOURCE_SECRET_ARN), when the stack set it: drain, sequences, slot. */
  replicaSourceSecretArn?: string;
  /** A logical replica's subscription (REPLICATE_SUBSCRIPTION); default: the only one the target holds. */
  subscription?: string;
}

/** The replicate handler's settings: the failover instance (as the restore test reaches it), the source's secret, the names. */
export interface ReplicateSettings {
  targetSecretArn: string;
  target: RestoreTestSettings["target"];
  sourceSecretArn: string;
  publication: string;
  subscription: string;
  /** Default 60. */
  maxLagSeconds: number;
  /** The metrics' Subscription dimension; default the subscription's name. */
  metricDimension: string;
  /** The role the replica's objects are given to (PROMOTE_APP_ROLE, default bloom_app), as promote leaves them. */
  appRole: string;
}

export function replicateSettingsFromEnv(env: NodeJS.ProcessEnv): ReplicateSettings {
  const publication = optional(env, REPLICATE_ENV.publication) ?? DEFAULT_PUBLICATION;
  const subscription = optional(env, REPLICATE_ENV.subscription) ?? DEFAULT_SUBSCRIPTION;
  for (const [kind, name, variable] of [
    ["publication", publication, REPLICATE_ENV.publication],
    ["subscription", subscription, REPLICATE_ENV.subscription],
  ] as const) {
    const problem = replicationNameProblem(kind, name);
    if (problem) throw new Error(`environment variable ${variable}: ${problem}`);
  }
  return {
    ...targetEndpoint(env),
    sourceSecretArn: required(
      env,
      REPLICATE_ENV.sourceSecretArn,
      "the ARN of the secret holding the source's replication role URL",
    ),
    publication,
    subscription,
    maxLagSeconds: wholeNumber(env, REPLICATE_ENV.maxLagSeconds, DEFAULT_MAX_LAG_SECONDS, 1, 86_400),
    metricDimension: optional(env, REPLICATE_ENV.metricDimension) ?? subscription,
    appRole: optional(env, ENV.promoteAppRole) ?? DEFAULT_APP_ROLE,
  };
}

export function restoreTestSettingsFromEnv(env: NodeJS.ProcessEnv): RestoreTestSettings {
  const mode = optional(env, ENV.failoverMode);
  if (mode !== "standby") {
    throw new Error(
      `environment variable ${ENV.failoverMode} is ${mode === undefined ? "not set" : `"${mode}"`}: the restore test wipes its target (--clean) and runs only against a standby (${ENV.failoverMode}=standby)`,
    );
  }
  return targetSettings(env);
}

/**
 * The promotion step's settings: the restore test's target and vault, the app role, the secret
 * holding its password, and the backup age limit. It runs only while failover is active: invoked
 * by hand in standby it would mark the standby serving and stop the restore tests.
 */
export function promoteSettingsFromEnv(env: NodeJS.ProcessEnv): PromoteSettings {
  const mode = optional(env, ENV.failoverMode);
  if (mode !== "active") {
    throw new Error(
      `environment variable ${ENV.failoverMode} is ${mode === undefined ? "not set" : `"${mode}"`}: the promotion step makes its target the database the app uses and runs only while failover is active (${ENV.failoverMode}=active)`,
    );
  }
  const allowStale = optional(env, ENV.promoteAllowStale) ?? "false";
  if (allowStale !== "true" && allowStale !== "false")
    throw new Error(`environment variable ${ENV.promoteAllowStale} is "${allowStale}": it must be true or false`);
  return {
    ...targetSettings(env),
    appRole: optional(env, ENV.promoteAppRole) ?? DEFAULT_APP_ROLE,
    appPasswordSecretArn: required(
      env,
      ENV.promoteAppPasswordSecretArn,
      "the ARN of the secret holding the app role's password",
    ),
    maxAgeHours: wholeNumber(env, ENV.promoteMaxAgeHours, DEFAULT_MAX_AGE_HOURS, 1, 24 * 366),
    allowStale: allowStale === "true",
    replicaSourceSecretArn: optional(env, REPLICATE_ENV.sourceSecretArn),
    subscription: optional(env, REPLICATE_ENV.subscription),
  };
}

function targetSettings(env: NodeJS.ProcessEnv): RestoreTestSettings {
  const jobs = optional(env, ENV.restoreJobs);
  return {
    ...vaultSettings(env),
    ...targetEndpoint(env),
    smokeQuery: optional(env, ENV.smokeQuery),
    jobs: jobs === undefined ? undefined : wholeNumber(env, ENV.restoreJobs, 1, 1, 64),
  };
}

/** The failover instance and its master secret (the target* variables). */
function targetEndpoint(env: NodeJS.ProcessEnv): Pick<RestoreTestSettings, "targetSecretArn" | "target"> {
  const sslmode = optional(env, ENV.targetSslMode) ?? "verify-full";
  const verifies = sslmode === "verify-full" || sslmode === "verify-ca";
  return {
    targetSecretArn: required(env, ENV.targetSecretArn, "the ARN of the standby's RDS master user secret"),
    target: {
      host: required(env, ENV.targetHost, "the standby instance's endpoint address"),
      port: wholeNumber(env, ENV.targetPort, 5432, 1, 65535),
      database: optional(env, ENV.targetDatabase) ?? "app",
      sslmode,
      sslrootcert: verifies ? (optional(env, ENV.targetSslRootCert) ?? RDS_CA_BUNDLE_PATH) : undefined,
    },
  };
}

/** "s3://bucket/prefix" from a bucket and a prefix given with or without slashes. */
export function vaultStoreSpec(bucket: string, prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  return trimmed ? `s3://${bucket}/${trimmed}` : `s3://${bucket}`;
}

function vaultSettings(env: NodeJS.ProcessEnv): VaultSettings {
  const bucket = required(env, ENV.backupBucket, "the backup vault's bucket name");
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(
      `${ENV.backupBucket} "${bucket}" is not a valid S3 bucket name: set it to the vault bucket's name (no s3:// prefix)`,
    );
  }
  const prefix = optional(env, ENV.backupPrefix) ?? "";
  if (prefix.includes("..") || /[^A-Za-z0-9/._-]/.test(prefix)) {
    throw new Error(
      `${ENV.backupPrefix} "${prefix}" must use letters, digits, "/", ".", "_" and "-" only, e.g. "production/"`,
    );
  }
  return { bucket, prefix, storeSpec: vaultStoreSpec(bucket, prefix) };
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new Error(`environment variable ${name} is not set: it must hold ${what}`);
  return value;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`environment variable ${name} is "${raw}": it must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}
