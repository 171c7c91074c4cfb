/**
 * What must run where `pulumi up` runs once the app's DATABASE_URL has moved (the playbook's
 * "redeploy the app" and "/api/health"): two @pulumi/command local commands, each a small
 * dependency-free Node script from scripts/ run with `node` (no shell). Both run after the secret
 * version is written and again only when a new version is written (their trigger is its
 * version id). A failure fails the update; the secret has moved by then (it has to, for the
 * redeployed app to read it), so the update's error names what to check.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

/** The scripts, relative to the project directory (where Pulumi.yaml is and `pulumi up` runs). */
export const REDEPLOY_HOOK_SCRIPT = "scripts/redeployHook.js";
export const WAIT_HEALTHY_SCRIPT = "scripts/waitHealthy.js";

/** The scripts' inputs (scripts/redeployHook.js and scripts/waitHealthy.js read these names). */
export const HOOK_ENV = {
  redeployHookUrl: "BLOOM_DR_REDEPLOY_HOOK_URL",
  healthUrl: "BLOOM_DR_HEALTH_URL",
  healthTimeoutSeconds: "BLOOM_DR_HEALTH_TIMEOUT_SECONDS",
} as const;

export interface AppHooksArgs {
  /** POSTed once to make the app re-read its DATABASE_URL (Vercel/Netlify deploy hook). A secret. */
  readonly redeployHookUrl?: pulumi.Input<string>;
  /** Polled until it answers 2xx, or healthTimeoutSeconds pass. */
  readonly healthUrl?: string;
  readonly healthTimeoutSeconds: number;
  /** The app secret's new version: the hooks run after it and again whenever it is rewritten. */
  readonly appSecretVersion: pulumi.Resource & { readonly versionId: pulumi.Output<string> };
}

export interface AppHooks {
  readonly redeploy?: command.local.Command;
  readonly health?: command.local.Command;
}

export function createAppHooks(name: string, args: AppHooksArgs, parent: pulumi.Resource): AppHooks {
  const triggers = [args.appSecretVersion.versionId];
  const redeploy =
    args.redeployHookUrl === undefined
      ? undefined
      : new command.local.Command(
          `${name}-app-redeploy`,
          {
            // interpreter + create is the whole argv: `node scripts/redeployHook.js`, no shell.
            interpreter: ["node"],
            create: REDEPLOY_HOOK_SCRIPT,
            // The URL carries the hook's token: only in the environment (secret in the state), never in argv.
            environment: { [HOOK_ENV.redeployHookUrl]: pulumi.secret(args.redeployHookUrl) },
            triggers,
          },
          { parent, dependsOn: [args.appSecretVersion] },
        );
  const health =
    args.healthUrl === undefined
      ? undefined
      : new command.local.Command(
          `${name}-app-health`,
          {
            interpreter: ["node"],
            create: WAIT_HEALTHY_SCRIPT,
            environment: {
              [HOOK_ENV.healthUrl]: args.healthUrl,
              [HOOK_ENV.healthTimeoutSeconds]: String(args.healthTimeoutSeconds),
            },
            triggers,
          },
          { parent, dependsOn: [args.appSecretVersion, ...(redeploy ? [redeploy] : [])] },
        );
  return { ...(redeploy ? { redeploy } : {}), ...(health ? { health } : {}) };
}
