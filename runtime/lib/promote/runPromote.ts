import { performance } from "node:perf_hooks";
import type { Client } from "pg";
import { connectDatabase, describeDatabase } from "../backup/database";
import { BackupManifest } from "../backup/manifest";
import { parseConnectionUrl, redactSecrets } from "../postgres/connectionUrl";
import { DumpMismatchError } from "../restore/download";
import { RestorePhase, runRestore } from "../restore/runRestore";
import { lockTarget } from "../restore/targetLock";
import { BackupStore, NotFoundError } from "../store/types";
import { appRoleProblem, ensureAppRole, OwnershipCounts, transferOwnership } from "./appRole";
import { smokeAsAppRole } from "./appSmoke";
import { chooseBackup, CLI_HINTS, PromoteHints, refuseBackup } from "./backupChoice";
import { PromotePath, readServingMarker, replicaSourceId, ServingMarker, writeServingMarker } from "./marker";
import { PhaseTimer, PromotePhase } from "./phaseTimer";
import { findReplica, promoteReplica, ReplicaPromotion } from "./replicaPath";
import { appPasswordProblem, appRoleNameProblem, DEFAULT_APP_ROLE, DEFAULT_MAX_AGE_HOURS } from "./settings";
import { checkStandby } from "./standbyState";
import { inTransaction } from "../platform/sql";

export type { PromotePhase };

export interface PromoteOptions {
  /** Where the backups are; not needed to promote a logical replica (a target holding a subscription). */
  store?: BackupStore;
  /** The database to promote, as its owner or the RDS master (not necessarily a superuser). */
  targetUrl: string;
  /** "latest" (default: the newest complete backup) or a backup id. */
  backup?: string;
  /** Default bloom_app. */
  appRole?: string;
  /** The app role's password (never printed; sent to the server as a SCRAM verifier only). */
  appPassword: string;
  /** Where the password came from, for messages ("environment variable BLOOM_DR_APP_PASSWORD"). */
  passwordSource?: string;
  /** Default 26 (the playbook's 24 h RPO plus slack). */
  maxAgeHours?: number;
  allowStale?: boolean;
  /** Run as the app role after the switch; must return at least one row. */
  smokeQuery?: string;
  /** pg_restore -j (see runRestore). */
  jobs?: number;
  now?: () => Date;
  signal?: AbortSignal;
  tempDir?: string;
  env?: NodeJS.ProcessEnv;
  onPhase?: (phase: PromotePhase | RestorePhase, state: "start" | "done") => void;
  /** Informational lines: which path and why. */
  onNotice?: (text: string) => void;
  hints?: PromoteHints;
  /**
   * A logical replica's source (the primary): when reachable, promote waits for the lag to drain,
   * reads its sequence positions and drops the subscription's slot there.
   */
  sourceUrl?: string;
  /** The replica's subscription; default: the only one the target holds. */
  subscription?: string;
  /** How long to wait for a replica's lag to drain; default 60 s. */
  drainSeconds?: number;
}

/** What the promotion step returns to the stack (and `promote --json` prints): the contract. */
export interface PromoteOutcome {
  ok: true;
  path: PromotePath | "already-serving";
  backupId: string;
  snapshotAt: string;
  /** Serving time minus the backup's snapshot: what the app lost (the recovery point). */
  rpoSeconds: number;
  servingSince: string;
  appRole: string;
  /** Each phase's time; together totalMs (the measured RTO of this step). */
  phases: Partial<Record<`${PromotePhase}Ms`, number>>;
  totalMs: number;
}

export interface PromoteResult {
  outcome: PromoteOutcome;
  /** host:port/database of the target. */
  target: string;
  /** Why the fast path was or was not taken. */
  standby: string;
  tables?: Record<string, { expected: number; actual: number }>;
  ownership?: OwnershipCounts;
  smokeQueryRows?: number;
  /** The replica path's details: drain, lag, the slot on the source, the sequences set. */
  replica?: Omit<ReplicaPromotion, "since" | "ownership" | "smokeQueryRows">;
}

/**
 * Turns a standby (or an empty database) into the database the app uses: picks the backup, and
 * unless the standby already holds exactly that backup as the restore job validated it (the fast
 * path), restores it with clean semantics; then the app role (LOGIN, the given password, no
 * superuser, CREATEDB or CREATEROLE) gets every object of the user schemas, a session as the app
 * role reads every table and runs the smoke query, and the serving marker is written last. A
 * serving database is left alone ("already-serving"). Everything runs under the target's lock.
 */
export async function runPromote(options: PromoteOptions): Promise<PromoteResult> {
  const now = options.now ?? (() => new Date());
  const appRole = options.appRole ?? DEFAULT_APP_ROLE;
  const hints = options.hints ?? CLI_HINTS;
  const parts = parseConnectionUrl(options.targetUrl, "target database URL");
  const target = describeDatabase(options.targetUrl);
  const secrets = [parts.password, options.appPassword];
  if (options.sourceUrl) secrets.push(parseConnectionUrl(options.sourceUrl, "source database URL").password);
  const badInput =
    appRoleNameProblem(appRole) ??
    appPasswordProblem(options.appPassword, options.passwordSource ?? "the app role's password");
  if (badInput) throw new Error(badInput);
  const timer = new PhaseTimer(options.onPhase);
  const fail = (reason: string) => new Error(redactSecrets(`promote of ${target} failed: ${oneLine(reason)}`, secrets));
  const stopIfAborted = (what: string) => {
    if (options.signal?.aborted) throw fail(`interrupted ${what}; ${target} is not marked serving: run promote again`);
  };

  let client: Client | undefined;
  try {
    const decided = await timer.phase("connect", async () => {
      client = await connectDatabase(options.targetUrl, "target database");
      await lockTarget(client, target);
      const serving = await readServingMarker(client);
      if (serving) return { serving };
      const problem = await appRoleProblem(client, appRole);
      if (problem) throw new Error(`refusing to promote ${target}: ${problem}; nothing was changed`);
      const replica = await findReplica(client, options.subscription);
      if (replica) {
        if (replica.subscription && !replica.subscription.manageable)
          throw new Error(
            `refusing to promote ${target}: its subscription ${replica.name} belongs to ${replica.subscription.owner}, and only its owner may drop it: connect as ${replica.subscription.owner}; nothing was changed`,
          );
        return { replica };
      }
      if (options.subscription)
        throw new Error(
          `refusing to promote ${target}: it holds no subscription ${options.subscription} (not a logical replica); nothing was changed`,
        );
      if (!options.store)
        throw new Error(
          `refusing to promote ${target}: it holds no subscription (it is not a logical replica), and no backup store was given to restore from: pass --store; nothing was changed`,
        );
      const choice = await chooseBackup(options.store, options.backup ?? "latest", {
        now: now(),
        maxAgeHours: options.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS,
        allowStale: options.allowStale === true,
        target,
        hints,
      });
      return { choice };
    });
    if (decided.serving) return alreadyServing(decided.serving, target, timer);
    if (decided.replica) {
      stopIfAborted("before the replica was promoted");
      const promoted = await promoteReplica({
        client: client!,
        targetUrl: options.targetUrl,
        replica: decided.replica,
        sourceUrl: options.sourceUrl,
        drainSeconds: options.drainSeconds,
        appRole,
        appPassword: options.appPassword,
        smokeQuery: options.smokeQuery,
        now,
        signal: options.signal,
        timer,
        onNotice: options.onNotice,
      });
      return replicaResult(promoted, decided.replica.name, appRole, target, timer);
    }
    const manifest = decided.choice!.manifest;
    const db = client!;
    stopIfAborted("before the standby was checked");

    const match = await timer.phase("check", () =>
      checkStandby(db, manifest).catch((err: Error) => ({
        untouched: false as const,
        reason: `the standby could not be checked (${oneLine(err.message)})`,
      })),
    );
    let path: PromotePath;
    let tables: PromoteResult["tables"];
    if (match.untouched) {
      path = "fast";
      tables = match.tables;
      options.onNotice?.(
        `promote: fast path: ${target} holds backup ${manifest.id} as the restore job validated it at ${match.record.recordedAt}, untouched since: not restoring`,
      );
    } else {
      path = "restored";
      options.onNotice?.(`promote: restoring backup ${manifest.id} into ${target}: ${match.reason}`);
      tables = await restoreInto(options, manifest, timer, target, hints, fail);
    }
    stopIfAborted("after the data was in place, before the app role was set up");

    const ownership = await timer.phase("role", () =>
      inTransaction(db, async () => {
        await ensureAppRole(db, appRole, options.appPassword);
        return transferOwnership(db, appRole);
      }),
    );
    stopIfAborted("before the smoke checks");
    const smokeQueryRows = await timer.phase("smoke", () =>
      smokeAsAppRole(options.targetUrl, appRole, options.appPassword, Object.keys(manifest.tables), options.smokeQuery),
    );
    stopIfAborted("before the serving marker was written");
    const since = now();
    await timer.phase("mark", () =>
      writeServingMarker(db, {
        since: since.toISOString(),
        backupId: manifest.id,
        snapshotAt: manifest.snapshotAt,
        path,
        appRole,
      }),
    );
    return {
      outcome: {
        ok: true,
        path,
        backupId: manifest.id,
        snapshotAt: manifest.snapshotAt,
        rpoSeconds: secondsBetween(manifest.snapshotAt, since),
        servingSince: since.toISOString(),
        appRole,
        phases: timer.phases,
        totalMs: timer.totalMs,
      },
      target,
      standby: match.untouched ? "held the backup, untouched since the restore job validated it" : match.reason,
      tables,
      ownership,
      ...(smokeQueryRows !== undefined ? { smokeQueryRows } : {}),
    };
  } catch (err) {
    const message = (err as Error).message;
    if (/^(refusing to|promote of )/.test(message)) throw new Error(redactSecrets(message, secrets));
    throw fail(message);
  } finally {
    await (client as Client | undefined)?.end().catch(() => undefined);
  }
}

/** The restore path: runRestore with clean semantics, its phases folded into the promotion's. */
async function restoreInto(
  options: PromoteOptions,
  manifest: BackupManifest,
  timer: PhaseTimer,
  target: string,
  hints: PromoteHints,
  fail: (reason: string) => Error,
): Promise<Record<string, { expected: number; actual: number }>> {
  const started = performance.now();
  try {
    const restored = await runRestore({
      store: options.store!,
      backup: manifest.id,
      targetUrl: options.targetUrl,
      clean: true,
      lockTarget: false, // promote's own session holds it
      jobs: options.jobs,
      signal: options.signal,
      tempDir: options.tempDir,
      env: options.env,
      onPhase: options.onPhase,
    });
    timer.fold(started, restored.totalMs, restored.phases);
    return restored.tables;
  } catch (err) {
    if (err instanceof DumpMismatchError)
      throw await refuseBackup(
        options.store!,
        manifest,
        err.missingKey ? `its dump ${err.missingKey} is missing` : err.problem,
        target,
        hints,
      );
    if (err instanceof NotFoundError && err.key === manifest.dump.key)
      throw await refuseBackup(options.store!, manifest, `its dump ${err.key} is missing`, target, hints);
    if (options.signal?.aborted)
      throw fail(
        `interrupted while restoring backup ${manifest.id}; ${target} is not marked serving and may be partially restored: run promote again (it restores with clean semantics)`,
      );
    throw err;
  }
}

/** The outcome of a replica's promotion: the recovery point is its snapshot time, the lag at promotion its RPO. */
function replicaResult(
  promoted: ReplicaPromotion,
  subscription: string,
  appRole: string,
  target: string,
  timer: PhaseTimer,
): PromoteResult {
  const { since, ownership, smokeQueryRows, ...replica } = promoted;
  const lag = promoted.drained
    ? "drained: it had applied everything the source had when promote started"
    : promoted.resumed
      ? "a promotion that had already dropped the subscription, resumed"
      : `not drained (${promoted.source === "reachable" ? "it did not catch up in time" : `source ${promoted.source}`}): the RPO is the time since it was last known in sync`;
  return {
    outcome: {
      ok: true,
      path: "replica",
      backupId: replicaSourceId(subscription),
      snapshotAt: promoted.recoveryPoint,
      rpoSeconds: promoted.rpoSeconds,
      servingSince: since.toISOString(),
      appRole,
      phases: timer.phases,
      totalMs: timer.totalMs,
    },
    target,
    standby: `logical replica (subscription ${subscription}), ${lag}`,
    ownership,
    ...(smokeQueryRows !== undefined ? { smokeQueryRows } : {}),
    replica,
  };
}

function alreadyServing(marker: ServingMarker, target: string, timer: PhaseTimer): PromoteResult {
  return {
    outcome: {
      ok: true,
      path: "already-serving",
      backupId: marker.backupId,
      snapshotAt: marker.snapshotAt,
      rpoSeconds: secondsBetween(marker.snapshotAt, new Date(marker.since)),
      servingSince: marker.since,
      appRole: marker.appRole,
      phases: timer.phases,
      totalMs: timer.totalMs,
    },
    target,
    standby: `already serving since ${marker.since} (promoted by ${marker.promotedBy}, path ${marker.path}): nothing changed`,
  };
}

function secondsBetween(fromIso: string, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - Date.parse(fromIso)) / 1000));
}

function oneLine(text: string): string {
  return text.split("\n")[0];
}
