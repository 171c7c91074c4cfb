#!/usr/bin/env node
// The app's redeploy hook (the playbook's "redeploy on Netlify/Vercel"), run by `pulumi up` through
// @pulumi/command once the app's DATABASE_URL moved (components/appHooks.ts): one POST, so the app
// restarts and reads the new URL. The hook URL carries the hook's token: it arrives in the
// environment only, and nothing here prints more of it than its origin.
// Dependency-free: runs with the `node` that runs the Pulumi program.
//
//   BLOOM_DR_REDEPLOY_HOOK_URL=https://api.vercel.com/v1/integrations/deploy/... node scripts/redeployHook.js
//
// A 5xx answer or no connection is retried (BLOOM_DR_REDEPLOY_ATTEMPTS, default 3, every
// BLOOM_DR_REDEPLOY_RETRY_SECONDS, default 5); a 4xx is not (the hook is wrong).
// Exit 0 accepted (2xx), 1 refused or unreachable, 2 bad settings.
"use strict";
/* global fetch, AbortSignal, URL */
const { setTimeout: sleep } = require("node:timers/promises");

const REQUEST_TIMEOUT_MS = 60_000;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function bad(message) {
  process.stderr.write(`redeployHook: ${message}\n`);
  process.exit(2);
}

function number(name, fallback, check) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!check(value)) bad(`${name} is not valid (got "${raw}")`);
  return value;
}

function settings() {
  let url;
  try {
    url = new URL(process.env.BLOOM_DR_REDEPLOY_HOOK_URL || "");
  } catch {
    // the value is never echoed: it is a secret
    bad("BLOOM_DR_REDEPLOY_HOOK_URL must be the app's deploy hook URL (bloom-dr:failover.app.redeployHookUrl)");
  }
  // plain http only to this machine (tests); a hook URL on the network carries its token over TLS
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    bad("BLOOM_DR_REDEPLOY_HOOK_URL must be an https:// URL (the value is not shown: it is a secret)");
  }
  return {
    url,
    attempts: number("BLOOM_DR_REDEPLOY_ATTEMPTS", 3, (v) => Number.isInteger(v) && v >= 1 && v <= 10),
    retrySeconds: number("BLOOM_DR_REDEPLOY_RETRY_SECONDS", 5, (v) => Number.isFinite(v) && v >= 0),
  };
}

async function main() {
  const { url, attempts, retrySeconds } = settings();
  const where = url.origin; // the path and query hold the token
  let last = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retry;
    try {
      const response = await fetch(url, {
        method: "POST",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { "user-agent": "bloom-dr-failover" },
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        process.stdout.write(`redeploy hook accepted: HTTP ${response.status} from ${where} (attempt ${attempt})\n`);
        return 0;
      }
      last = `HTTP ${response.status} from ${where}`;
      retry = response.status >= 500;
    } catch (error) {
      const code = (error && error.cause && error.cause.code) || (error && error.name) || "error";
      last = `no answer from ${where} (${code})`;
      retry = true;
    }
    if (!retry || attempt === attempts) break;
    process.stderr.write(`redeploy hook: ${last}; retrying (attempt ${attempt + 1} of ${attempts})\n`);
    await sleep(retrySeconds * 1000);
  }
  process.stderr.write(
    `redeploy hook failed: ${last} (the hook's path is a secret and not shown): check bloom-dr:failover.app.redeployHookUrl, or redeploy the app by hand, then run pulumi up again\n`,
  );
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`redeployHook: ${(error && error.name) || "error"}\n`);
    process.exitCode = 1;
  },
);
