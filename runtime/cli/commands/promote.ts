import os from "node:os";
import { parseConnectionUrl, redactUrl } from "../../lib/postgres/connectionUrl";
import type { PromotePhase, PromoteResult } from "../../lib/promote/runPromote";
import type { RestorePhase } from "../../lib/restore/runRestore";
import { DEFAULT_DRAIN_SECONDS, replicationNameProblem } from "../../lib/replicate/settings";
import {
  appPasswordProblem,
  appRoleNameProblem,
  DEFAULT_APP_PASSWORD_ENV,
  DEFAULT_APP_ROLE,
  DEFAULT_MAX_AGE_HOURS,
} from "../../lib/promote/settings";
import {
  CliCommand,
  CommandContext,
  positiveIntegerOption,
  requiredOption,
  stringOption,
  UsageError,
} from "../command";
import { formatDuration, formatTable } from "../io";
import { STORE_OPTION, storeFromOptions } from "./storeOption";

const PHASE_LABELS: Record<PromotePhase | RestorePhase, string> = {
  connect: "connecting, taking the target's lock, reading its marker and the backup",
  check: "checking whether the standby holds exactly that backup, untouched",
  download: "downloading the dump and checking its sha256 and size",
  restore: "pg_restore into the target (clean)",
  validate: "checking every table's row count against the manifest",
  then: "",
  drain: "waiting for the replica to apply what the source had when promote started",
  release: "disabling and dropping the subscription (and its slot on the source)",
  sequences: "setting every sequence past the replicated ids",
  role: "creating the app role and giving it every object of the user schemas",
  smoke: "smoke checks as the app role",
  mark: "marking the database serving",
};

const PHASE_ROWS: [keyof PromoteResult["outcome"]["phases"], string][] = [
  ["connectMs", "connect + lock + checks"],
  ["checkMs", "standby check"],
  ["downloadMs", "download + verify"],
  ["restoreMs", "restore"],
  ["validateMs", "validate"],
  ["drainMs", "drain (replica lag)"],
  ["releaseMs", "drop the subscription"],
  ["sequencesMs", "sequences"],
  ["roleMs", "app role + ownership"],
  ["smokeMs", "smoke checks as the app role"],
  ["markMs", "serving marker"],
];

/** `bloom-dr promote`: the one code path that turns a standby (or an empty database) into the app's database. */
export const promoteCommand: CliCommand = {
  name: "promote",
  summary:
    "make a standby the database the app uses: restore (or fast path) or a logical replica's drain, app role, checks, serving marker",
  options: {
    store: {
      ...STORE_OPTION,
      required: false,
      description: `${STORE_OPTION.description} (not needed for a logical replica)`,
    },
    target: {
      type: "string",
      value: "URL",
      required: true,
      description: "the database to promote, as its owner or the RDS master (no superuser needed)",
    },
    backup: {
      type: "string",
      value: "ID|latest",
      default: "latest",
      description: "backup to promote: an id, or latest (the newest complete one)",
    },
    "app-role": {
      type: "string",
      value: "NAME",
      default: DEFAULT_APP_ROLE,
      description: "the role the app connects as: LOGIN, no superuser, cannot create roles or databases",
    },
    "app-password-env": {
      type: "string",
      value: "VAR",
      default: DEFAULT_APP_PASSWORD_ENV,
      description: "environment variable holding the app role's password (never given on the command line)",
    },
    "max-age-hours": {
      type: "string",
      value: "H",
      default: String(DEFAULT_MAX_AGE_HOURS),
      description: "refuse a backup whose snapshot is older than this (the playbook's 24 h RPO plus slack)",
    },
    "allow-stale": { type: "boolean", description: "accept a backup older than --max-age-hours on purpose" },
    "smoke-query": {
      type: "string",
      value: "SQL",
      description: "run as the app role after the switch; must return at least one row",
    },
    jobs: {
      type: "string",
      value: "N",
      description: `parallel pg_restore jobs (default: the machine's cores, ${os.availableParallelism()} here)`,
    },
    source: {
      type: "string",
      value: "URL",
      description:
        "a logical replica's source (the primary, as the replication role): drain the lag, read its sequences, drop the slot",
    },
    subscription: {
      type: "string",
      value: "NAME",
      description: "a logical replica's subscription (default: the only one the target holds)",
    },
    "drain-seconds": {
      type: "string",
      value: "N",
      default: String(DEFAULT_DRAIN_SECONDS),
      description: "how long to wait for a replica to apply what the source had when promote started",
    },
  },
  details: `
Phases: connect (lock the target, read its serving marker, pick the backup and refuse it when
older than --max-age-hours), check (does the standby hold exactly that backup, as the restore
job validated it and untouched since? then the restore is skipped: the fast path), download +
restore + validate (as restore --clean: the dump's sha256 and size are checked before the target is
touched; every table's row count against the manifest), role (the app role is created or its
password set, and it gets every object of the user schemas, so the app's migrations still run),
smoke (as the app role: log in, read every table, run --smoke-query), mark (the serving marker,
last). Together they are the total (the measured RTO); the RPO is the serving time minus the
backup's snapshot time.

A logical replica (a target holding a subscription, failover.mode replica) takes the replica
path instead of check and restore: drain (with --source, wait up to --drain-seconds for the
replica to apply everything the source had when promote started), release (the subscription is
disabled and dropped, and its slot on the source with it), sequences (each set past the source's
position and every replicated id), then role, smoke and mark as above. No backup is used and
--store is not needed; the RPO is the lag at promotion (0 when drained). Stop the app's writes to
the primary first: what it writes after promote starts stays on the primary.

A database marked serving is never restored over: promote on it changes nothing and reports
since when and from which backup it serves (exit 0). Only restore --clean replaces it.

Refusals leave the target untouched and say what to do: a corrupt or truncated dump names the
previous complete backup and the --backup to use; a stale one names --allow-stale.

Examples:
  export BLOOM_DR_APP_PASSWORD=...   # never on the command line
  bloom-dr promote --store s3://bloom-vault/production --target "$RDS_MASTER_URL" --smoke-query "SELECT 1 FROM clinics LIMIT 1"
  bloom-dr promote --store ./backups --target "$STANDBY_URL" --backup 20270301T030000000Z-1a2b3c --json
  bloom-dr promote --target "$RDS_MASTER_URL" --source "$NEON_REPLICATION_URL"    # a logical replica

Exit status: 0 promoted, or already serving; 1 refused or failed (the target is not marked
serving); 2 usage error (including a missing or unusable password variable).`,
  async run(ctx) {
    const targetUrl = requiredOption(ctx, "target", "the database URL to promote");
    try {
      parseConnectionUrl(targetUrl, "--target");
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const appRole = stringOption(ctx, "app-role") ?? DEFAULT_APP_ROLE;
    const roleProblem = appRoleNameProblem(appRole);
    if (roleProblem) throw new UsageError(`--app-role: ${roleProblem}`);
    const appPassword = passwordFromEnvironment(ctx);
    const maxAgeHours = maxAge(stringOption(ctx, "max-age-hours"));
    const smokeQuery = stringOption(ctx, "smoke-query");
    if (smokeQuery !== undefined && smokeQuery.trim() === "")
      throw new UsageError('--smoke-query is empty: give a query, e.g. --smoke-query "SELECT 1 FROM clinics LIMIT 1"');
    const jobs = positiveIntegerOption(ctx, "jobs", os.availableParallelism());
    const store = stringOption(ctx, "store") !== undefined ? storeFromOptions(ctx, { existing: true }) : undefined;
    const sourceUrl = stringOption(ctx, "source");
    if (sourceUrl !== undefined) {
      try {
        parseConnectionUrl(sourceUrl, "--source");
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    const subscription = stringOption(ctx, "subscription");
    const subscriptionProblem = subscription !== undefined && replicationNameProblem("subscription", subscription);
    if (subscriptionProblem) throw new UsageError(`--subscription: ${subscriptionProblem}`);
    const drainSeconds = positiveIntegerOption(ctx, "drain-seconds", DEFAULT_DRAIN_SECONDS);
    const { runPromote } = await import("../../lib/promote/runPromote");
    const result = await runPromote({
      store,
      targetUrl,
      backup: stringOption(ctx, "backup") ?? "latest",
      appRole,
      appPassword: appPassword.value,
      passwordSource: `environment variable ${appPassword.variable}`,
      maxAgeHours,
      allowStale: ctx.values["allow-stale"] === true,
      smokeQuery,
      jobs,
      sourceUrl,
      subscription,
      drainSeconds,
      signal: ctx.signal,
      onPhase: (phase, state) => {
        if (state === "start" && PHASE_LABELS[phase]) ctx.io.progress(`promote: ${PHASE_LABELS[phase]}…`);
      },
      onNotice: (line) => ctx.io.info(line),
    });
    const appUrl = maskedAppUrl(targetUrl, result.outcome.appRole);
    ctx.io.result(
      {
        command: "promote",
        ...result.outcome,
        ...(store ? { store: store.describe() } : {}),
        target: redactUrl(targetUrl),
        appUrl,
        standby: result.standby,
        ...(result.tables ? { tables: result.tables } : {}),
        ...(result.ownership ? { ownership: result.ownership } : {}),
        ...(result.smokeQueryRows !== undefined ? { smokeQueryRows: result.smokeQueryRows } : {}),
        ...(result.replica ? { replica: result.replica } : {}),
      },
      promoteSummary(result, appUrl),
    );
    return 0;
  },
};

/** The password from the named variable; a missing or unusable one is the user's to fix (exit 2). */
function passwordFromEnvironment(ctx: CommandContext): { variable: string; value: string } {
  const variable = stringOption(ctx, "app-password-env") ?? DEFAULT_APP_PASSWORD_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
    throw new UsageError(`--app-password-env "${variable}" is not an environment variable name`);
  const value = process.env[variable];
  if (!value)
    throw new UsageError(
      `environment variable ${variable} is not set: export the app role's password there (never on the command line), or name another variable with --app-password-env`,
    );
  const problem = appPasswordProblem(value, `environment variable ${variable}`);
  if (problem) throw new UsageError(problem);
  return { variable, value };
}

function maxAge(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_AGE_HOURS;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0))
    throw new UsageError(`--max-age-hours must be a number of hours above 0 (got "${raw}")`);
  return value;
}

/** The app's URL: the target with the app role's name, the password masked. */
export function maskedAppUrl(targetUrl: string, appRole: string): string {
  const url = new URL(targetUrl);
  url.username = encodeURIComponent(appRole);
  url.password = "secret";
  return redactUrl(url.toString());
}

/** What happened, the RPO, the phase table (the measured RTO) and the app's URL. */
export function promoteSummary(result: PromoteResult, appUrl: string): string {
  const o = result.outcome;
  const rpo = `RPO ${formatDuration(o.rpoSeconds * 1000)} (snapshot ${o.snapshotAt}, serving since ${o.servingSince})`;
  if (o.path === "already-serving") {
    return [
      `${result.target} is already serving since ${o.servingSince}, from backup ${o.backupId}: nothing changed`,
      rpo,
      `app role ${o.appRole}: ${appUrl}`,
    ].join("\n");
  }
  if (o.path === "replica" && result.replica) return replicaSummary(result, appUrl);
  const how =
    o.path === "fast"
      ? `fast path: it already held backup ${o.backupId} as the restore job validated it`
      : `restored backup ${o.backupId}`;
  const rows = [["PHASE", "TIME"]];
  for (const [key, label] of PHASE_ROWS) {
    const ms = o.phases[key];
    if (ms !== undefined) rows.push([label, formatDuration(ms)]);
  }
  rows.push(["total (RTO)", formatDuration(o.totalMs)]);
  const tables = Object.values(result.tables ?? {});
  const rowsChecked = tables.reduce((sum, t) => sum + t.actual, 0);
  return [
    `promoted ${result.target}: ${how} (snapshot ${o.snapshotAt})`,
    rpo,
    formatTable(rows),
    `${tables.length} table${tables.length === 1 ? "" : "s"}, ${rowsChecked.toLocaleString("en-US")} rows: every row count matches the manifest`,
    `app role ${o.appRole}: ${appUrl}`,
  ].join("\n");
}

/** A replica's promotion: how far behind it was, what happened to the subscription's slot, the phases. */
function replicaSummary(result: PromoteResult, appUrl: string): string {
  const o = result.outcome;
  const r = result.replica!;
  const rows = [["PHASE", "TIME"]];
  for (const [key, label] of PHASE_ROWS) {
    const ms = o.phases[key];
    if (ms !== undefined) rows.push([label, formatDuration(ms)]);
  }
  rows.push(["total (RTO)", formatDuration(o.totalMs)]);
  const slot = r.slot
    ? r.slot.dropped
      ? `slot ${r.slot.name} dropped on the source`
      : `slot ${r.slot.name} LEFT on the source (${r.slot.reason}): drop it once the source is back (bloom-dr replicate stop --target URL --source URL)`
    : "no slot to drop";
  return [
    `promoted ${result.target}: ${result.standby}`,
    `RPO ${formatDuration(o.rpoSeconds * 1000)} (in sync up to ${o.snapshotAt}, serving since ${o.servingSince}; source ${r.source})`,
    formatTable(rows),
    `${r.tables.length} table${r.tables.length === 1 ? "" : "s"}; ${r.sequences.length} sequence(s) set past every replicated id; ${slot}`,
    `app role ${o.appRole}: ${appUrl}`,
  ].join("\n");
}
