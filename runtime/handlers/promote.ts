/**
 * Lambda handler of the DR stack's promotion step (image command override
 * `runtime/handlers/promote.handler`), invoked synchronously by `pulumi up` while failover is
 * active, before the app's DATABASE_URL moves: the same engine as `bloom-dr promote` (runPromote)
 * against the failover instance, as its RDS master, with the app role's password from its own
 * secret. A failover instance that holds a subscription (failover.mode replica -> active) takes
 * the replica path by itself, with the source from REPLICATE_SOURCE_SECRET_ARN when set. Returns
 * the outcome the stack exposes as an output; any failure throws one line without a password,
 * which fails the update with the app secret unchanged.
 */
import { PromoteHints } from "../lib/promote/backupChoice";
import { PromoteOutcome, runPromote } from "../lib/promote/runPromote";
import { parseConnectionUrl, redactSecrets } from "../lib/postgres/connectionUrl";
import { deadlineSignal, defaultDependencies, HandlerDependencies, LambdaContextLike, logLine } from "./dependencies";
import { ENV, promoteSettingsFromEnv } from "./environment";
import { sourceUrlFromSecret, urlFromRdsMasterSecret } from "./secrets";

// re-exported so a caller of the bundled file (the bundle test) can build the default wiring
export { defaultDependencies };

/** Refusals name what an operator can change: the CLI run from inside the DR VPC, or this step's variables. */
export function promotionStepHints(storeSpec: string): PromoteHints {
  return {
    useBackup: (id) =>
      `bloom-dr promote --store ${storeSpec} --backup ${id} --target <the failover instance, as its master> from inside the DR VPC`,
    allowStale: `set bloom-dr:failover.allowStaleBackup: true in the dr stack, which sets ${ENV.promoteAllowStale}=true on the promotion step`,
  };
}

/** The handler's core: everything but the wiring to the real environment. */
export async function runPromoteJob(deps: HandlerDependencies): Promise<PromoteOutcome> {
  const settings = promoteSettingsFromEnv(deps.env);
  const store = deps.openStore(settings.storeSpec, { env: deps.env });
  const where = `${settings.target.host}:${settings.target.port}/${settings.target.database}`;
  const secrets: string[] = [];
  try {
    const targetUrl = urlFromRdsMasterSecret(
      await deps.readSecret(settings.targetSecretArn),
      settings.targetSecretArn,
      settings.target,
    );
    secrets.push(targetUrl, parseConnectionUrl(targetUrl).password);
    const appPassword = await deps.readSecret(settings.appPasswordSecretArn);
    secrets.push(appPassword);
    const sourceUrl = await replicaSource(deps, settings.replicaSourceSecretArn, where);
    if (sourceUrl) secrets.push(sourceUrl, parseConnectionUrl(sourceUrl).password);
    const result = await runPromote({
      store,
      targetUrl,
      appRole: settings.appRole,
      appPassword,
      passwordSource: `the app password in secret ${settings.appPasswordSecretArn}`,
      maxAgeHours: settings.maxAgeHours,
      allowStale: settings.allowStale,
      smokeQuery: settings.smokeQuery,
      jobs: settings.jobs,
      now: deps.now,
      signal: deps.signal,
      env: deps.env,
      hints: promotionStepHints(settings.storeSpec),
      sourceUrl,
      subscription: settings.subscription,
      onNotice: (line) => deps.writeLine(logLine("promote.notice", { target: where, message: line })),
    });
    deps.writeLine(logLine("promote.complete", { target: where, store: store.describe(), ...result.outcome }));
    return result.outcome;
  } catch (err) {
    const reason = redactSecrets(err instanceof Error ? err.message : String(err), secrets).replace(/\s*\n\s*/g, " ");
    deps.writeLine(logLine("promote.failed", { target: where, store: store.describe(), reason }));
    throw new Error(reason);
  }
}

/**
 * A logical replica's source, when the stack names its secret: unreadable (Secrets Manager or the
 * secret unavailable in an outage) means promoting without it, which is what the replica path
 * does when the source is down anyway: never a reason to fail the promotion.
 */
async function replicaSource(
  deps: HandlerDependencies,
  secretArn: string | undefined,
  where: string,
): Promise<string | undefined> {
  if (!secretArn) return undefined;
  try {
    return sourceUrlFromSecret(await deps.readSecret(secretArn), secretArn);
  } catch (err) {
    deps.writeLine(
      logLine("promote.notice", {
        target: where,
        message: `the replica's source is not known (${(err as Error).message.split("\n")[0]}): promoting without it`,
      }),
    );
    return undefined;
  }
}

export async function handler(_event?: unknown, context?: LambdaContextLike): Promise<PromoteOutcome> {
  const deadline = deadlineSignal(context);
  try {
    return await runPromoteJob(defaultDependencies(process.env, deadline.signal));
  } finally {
    deadline.dispose();
  }
}
