import { SecretsManagerClient, SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { openStore, OpenStoreOptions } from "../lib/store/openStore";
import { BackupStore } from "../lib/store/types";
import { SecretReader, secretsManagerReader } from "./secrets";

/**
 * What the handler cores need from the outside world, injected so tests (and the bundle test) can
 * point them at loopback servers and a fixed clock.
 */
export interface HandlerDependencies {
  env: NodeJS.ProcessEnv;
  readSecret: SecretReader;
  now: () => Date;
  /** One line to the log: stdout, which CloudWatch Logs keeps and from which it extracts EMF metrics. */
  writeLine: (line: string) => void;
  openStore: (spec: string, options: OpenStoreOptions) => BackupStore;
  /** Aborted shortly before the Lambda deadline or on SIGTERM (Fargate), so nothing partial remains. */
  signal?: AbortSignal;
}

export function defaultDependencies(env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): HandlerDependencies {
  const client = new SecretsManagerClient(secretsManagerConfig(env));
  return {
    env,
    readSecret: secretsManagerReader(client),
    now: () => new Date(),
    writeLine: (line) => process.stdout.write(`${line}\n`),
    openStore,
    signal,
  };
}

/**
 * Client settings from an environment object, so that an injected environment (tests, the bundle
 * test) is honoured as fully as process.env would be: endpoint, region and static credentials.
 */
export function secretsManagerConfig(env: NodeJS.ProcessEnv): SecretsManagerClientConfig {
  const config: SecretsManagerClientConfig = {};
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  // with process.env the SDK's default chain reads the same variables (and the Lambda role)
  if (env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    };
  }
  return config;
}

/** The part of the Lambda context object the handlers use. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?(): number;
}

/**
 * An AbortSignal that fires `marginMs` before the invocation's deadline: when Lambda kills a
 * function at its timeout no cleanup runs, so a half-written multipart upload would stay behind.
 */
export function deadlineSignal(
  context: LambdaContextLike | undefined,
  marginMs = 60_000,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) return { signal: controller.signal, dispose: () => undefined };
  const timer = setTimeout(
    () =>
      controller.abort(
        new Error(
          `stopped ${Math.round(marginMs / 1000)}s before the Lambda timeout to clean up: raise the function timeout or use the fargate runner`,
        ),
      ),
    Math.max(0, remaining - marginMs),
  );
  timer.unref();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

/** A structured log line (JSON, one line), never carrying a secret: callers pass redacted text. */
export function logLine(event: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ level: event.endsWith(".failed") ? "error" : "info", event, ...fields });
}
