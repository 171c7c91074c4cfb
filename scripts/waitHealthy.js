#!/usr/bin/env node
// The failover's health smoke test (the playbook's /api/health check), run by `pulumi up` through
// @pulumi/command after the app's DATABASE_URL moved (components/appHooks.ts). Polls a URL until it
// answers 2xx, or fails (exit 1) with the URL and the last answer once the timeout has passed.
// Dependency-free: runs with the `node` that runs the Pulumi program.
//
//   BLOOM_DR_HEALTH_URL=https://app.example.com/api/health \
//   BLOOM_DR_HEALTH_TIMEOUT_SECONDS=300 [BLOOM_DR_HEALTH_INTERVAL_SECONDS=5] node scripts/waitHealthy.js
//
// Exit 0 healthy, 1 not healthy in time, 2 bad settings. Times are measured on the monotonic clock.
"use strict";
/* global fetch, AbortSignal, URL */
const { performance } = require("node:perf_hooks");
const { setTimeout: sleep } = require("node:timers/promises");

const DEFAULT_INTERVAL_SECONDS = 5;
/**
 * One request may take this long. A request still in flight at the deadline is waited for (up to
 * this), so that the failure names the app's last real answer.
 */
const REQUEST_TIMEOUT_MS = 10_000;

/** A failed request in a few words: the system error code, never the error's text (it may quote the URL). */
function reason(error) {
  if (error && error.name === "TimeoutError") return "no answer within the request timeout";
  const code = error && error.cause && error.cause.code;
  return `no connection (${code || (error && error.name) || "error"})`;
}

function positiveSeconds(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`waitHealthy: ${name} must be a positive number of seconds (got "${raw}")\n`);
    process.exit(2);
  }
  return value;
}

function settings() {
  const raw = process.env.BLOOM_DR_HEALTH_URL;
  let url;
  try {
    url = new URL(raw || "");
  } catch {
    process.stderr.write(
      "waitHealthy: BLOOM_DR_HEALTH_URL must be an http:// or https:// URL (bloom-dr:failover.app.healthUrl)\n",
    );
    process.exit(2);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    process.stderr.write(`waitHealthy: BLOOM_DR_HEALTH_URL must be an http:// or https:// URL (got ${url.protocol})\n`);
    process.exit(2);
  }
  if (url.username || url.password) {
    // never printed: a health URL is plain config, and credentials have no place in it
    process.stderr.write("waitHealthy: BLOOM_DR_HEALTH_URL must not carry credentials (user:password@)\n");
    process.exit(2);
  }
  return {
    url,
    timeoutSeconds: positiveSeconds("BLOOM_DR_HEALTH_TIMEOUT_SECONDS", undefined) ?? missingTimeout(),
    intervalSeconds: positiveSeconds("BLOOM_DR_HEALTH_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS),
  };
}

function missingTimeout() {
  process.stderr.write(
    "waitHealthy: BLOOM_DR_HEALTH_TIMEOUT_SECONDS is required (bloom-dr:failover.app.healthTimeoutSeconds)\n",
  );
  process.exit(2);
}

async function main() {
  const { url, timeoutSeconds, intervalSeconds } = settings();
  const deadline = performance.now() + timeoutSeconds * 1000;
  let attempts = 0;
  let last = "no answer yet";
  for (;;) {
    attempts++;
    let answer;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { "user-agent": "bloom-dr-health-check" },
      });
      await response.arrayBuffer().catch(() => undefined); // let the connection be reused
      if (response.status >= 200 && response.status < 300) {
        process.stdout.write(`healthy: ${url.href}: HTTP ${response.status} (attempt ${attempts})\n`);
        return 0;
      }
      answer = `HTTP ${response.status}`;
    } catch (error) {
      answer = reason(error);
    }
    if (answer !== last) process.stderr.write(`waiting: ${url.href}: ${answer} (attempt ${attempts})\n`);
    last = answer;
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    await sleep(Math.min(intervalSeconds * 1000, remaining));
  }
  process.stderr.write(
    `health check failed: ${url.href} was not healthy within ${timeoutSeconds} s (${attempts} attempts; last answer: ${last}): check the app's deployment and its logs, then run pulumi up again\n`,
  );
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`waitHealthy: ${(error && error.message) || error}\n`);
    process.exitCode = 1;
  },
);
