import os from "node:os";
import { performance } from "node:perf_hooks";
import { Client } from "pg";
import { connectDatabase, describeDatabase, serverVersion } from "../backup/database";
import { BackupManifest, countsTablesAlone } from "../backup/manifest";
import { schemaFingerprint } from "../backup/schemaFingerprint";
import { resolveBackup } from "../catalog";
import { assertMinMajor, findPostgresBinariesAsync } from "../postgres/binaries";
import {
  directHostFor,
  isNeonPooledHost,
  libpqEnvironment,
  parseConnectionUrl,
  redactSecrets,
} from "../postgres/connectionUrl";
import { describeServing, readServingMarker, ServingMarker } from "../promote/marker";
import { BackupStore } from "../store/types";
import { downloadVerifiedDump, DownloadedDump } from "./download";
import { connectionsAvailable, restoreJobs, targetConnections } from "./jobs";
import { pgRestoreArgs, runPgRestore, untranslated } from "./pgRestore";
import { RowCounter, tableDataItems } from "./rowCounting";
import { runProgram } from "../postgres/processes";
import { runThenCommand } from "./runThen";
import { emptyTarget, userObjects } from "./target";
import { lockTarget } from "./targetLock";

/** In order; "connect" covers reading the manifest, connecting and checking the target. */
export type RestorePhase = "connect" | "download" | "restore" | "validate" | "then";

export interface RestoreOptions {
  store: BackupStore;
  backup: "latest" | string;
  targetUrl: string;
  /**
   * pg_restore -j; default os.availableParallelism(). Capped by the connections the target can
   * accept (max_connections minus reserved and open ones, minus a margin; see jobs.ts).
   */
  jobs?: number;
  /** Empty a non-empty target first (every user schema dropped), then restore. */
  clean?: boolean;
  /**
   * With clean: replace a database marked serving (the deliberate `restore --clean`). Without it
   * a serving database is refused, whatever else is asked: nothing automated restores over it.
   */
  replaceServing?: boolean;
  /** With replaceServing and a serving target: called with its marker, before anything is dropped. */
  onServing?: (marker: ServingMarker) => void;
  /**
   * Take the target's bloom-dr lock on the restore's session (default true). A caller that holds
   * it on a session of its own for longer (promote, the restore job) passes false.
   */
  lockTarget?: boolean;
  /** Follow-up shell command after a validated restore (DATABASE_URL = the target). */
  then?: string;
  /** Keep the dump's owners and grants instead of --no-owner --no-acl. */
  keepOwnersAndAcl?: boolean;
  onPhase?: (phase: RestorePhase, state: "start" | "done") => void;
  /** With clean and a non-empty target: called with the schemas about to be dropped, before any DROP. */
  onClean?: (schemas: string[]) => void;
  signal?: AbortSignal;
  /** Directory for a dump downloaded from a remote store (a local store is read in place); default os.tmpdir(). */
  tempDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Back to back from the start: together they are totalMs. */
  phases: { connectMs: number; downloadMs: number; restoreMs: number; validateMs: number; thenMs?: number };
  totalMs: number;
  /**
   * pg_restore's parallel jobs: `requested` (the option, default the machine's cores), the
   * connections the target could take when the restore started (after the margin), and `used`,
   * the smaller of the two and at least 1. Always set by runRestore; optional, as `schema` is.
   */
  jobs?: { requested: number; connectionsAvailable: number; used: number };
  tables: Record<string, { expected: number; actual: number }>;
  /**
   * How the dump was read: in place in a local store (no copy) or downloaded; and how many tables
   * were counted while pg_restore still ran (the rest after it). Always set by runRestore.
   */
  reading?: { inPlace: boolean; tablesCountedDuringRestore: number };
  /**
   * The restored schema's fingerprint against the manifest's (same canonical description).
   * Reported, not enforced: a newer target server may print defaults or constraints differently.
   * Always set by runRestore; optional so that results built elsewhere (tests, renderers) need not.
   */
  schema?: { expected: string; actual: string; matches: boolean };
}

/** Thrown when the restored row counts differ from the manifest; carries every table's counts. */
export class RestoreValidationError extends Error {
  constructor(
    message: string,
    readonly tables: RestoreResult["tables"],
  ) {
    super(message);
    this.name = "RestoreValidationError";
  }
}

/**
 * Verified restore: resolve the manifest, check the target is empty (or empty it with clean),
 * download and verify the dump, pg_restore -j, check every table's exact row count, then run the
 * follow-up command. Nothing touches the target before the dump has been verified. Each phase is
 * timed: together they are the measured RTO.
 */
export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const env = options.env ?? process.env;
  const parts = parseConnectionUrl(options.targetUrl, "target database URL");
  if (isNeonPooledHost(parts.host)) {
    throw new Error(
      `${parts.host} is a Neon pooled (PgBouncer) endpoint, which cannot run pg_restore's sessions: use the direct host ${directHostFor(parts.host)}`,
    );
  }
  const secrets = [parts.password];
  const target = describeDatabase(options.targetUrl);
  const requestedJobs = options.jobs ?? os.availableParallelism();
  if (!Number.isInteger(requestedJobs) || requestedJobs < 1)
    throw new Error(`jobs must be a positive integer (got ${requestedJobs})`);
  const startMs = performance.now();
  const phase = timedPhases(startMs, options.onPhase);

  let client: Client | undefined;
  let dump: DownloadedDump | undefined;
  try {
    // The dump is verified (read in place, or downloaded) from the moment the manifest is read,
    // while the target is connected and checked; nothing touches the target before both are done.
    const verification = new AbortController();
    const onAbort = () => verification.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    let verifying: Promise<DownloadedDump> | undefined;
    const checked = await phase("connect", async () => {
      // pg_restore is looked up while the manifest is read and the target connected
      const finding = findPostgresBinariesAsync(["pg_restore"], { env });
      finding.catch(() => undefined);
      const manifest = await resolveBackup(options.store, options.backup);
      // every table name is checked before it reaches SQL; a malformed manifest fails here, untouched
      Object.keys(manifest.tables).forEach(quoteTableName);
      verifying = downloadVerifiedDump(options.store, manifest, {
        tempDir: options.tempDir,
        signal: verification.signal,
        concurrency: Math.max(2, requestedJobs),
      });
      verifying.catch(() => undefined);
      const connected = await connectDatabase(options.targetUrl, "target database");
      client = connected; // closed by the finally below whatever fails next
      const server = await serverVersion(connected);
      const dumpMajor = Number.parseInt(manifest.pgDumpVersion, 10);
      const binaries = await finding;
      assertMinMajor(binaries, "pg_restore", Math.max(server.major, dumpMajor));
      const pgRestorePath = binaries.path("pg_restore");
      if (options.lockTarget !== false) await lockTarget(connected, target);
      const serving = await readServingMarker(connected);
      if (serving && !(options.clean && options.replaceServing)) {
        throw new Error(
          `refusing to restore into ${target}: it is marked ${describeServing(serving)}; nothing automated restores over a serving database: to replace it on purpose, run bloom-dr restore --clean`,
        );
      }
      const existing = await userObjects(connected);
      if (existing.length > 0 && !options.clean) {
        throw new Error(
          `refusing to restore into ${target}: it is not empty (${existing.length} user objects, e.g. ${existing.slice(0, 3).join(", ")}); restore into an empty database or pass --clean to drop every user schema first`,
        );
      }
      const capacity = await targetConnections(connected);
      const jobs = {
        requested: requestedJobs,
        connectionsAvailable: connectionsAvailable(capacity),
        used: restoreJobs(requestedJobs, capacity),
      };
      return { manifest, db: connected, server, pgRestorePath, existing, jobs, serving };
    }).catch(async (err: unknown) => {
      // a refusal or a failure to connect stops the verification and removes what it downloaded
      verification.abort();
      await verifying?.then((d) => d.remove()).catch(() => undefined);
      throw err;
    });
    const { manifest, db, server, pgRestorePath, existing, jobs, serving } = checked;
    const fail = (reason: string) =>
      new Error(redactSecrets(`restore of backup ${manifest.id} into ${target} failed: ${reason}`, secrets));
    const tableNames = Object.keys(manifest.tables);
    try {
      dump = await phase("download", () => verifying!);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    throwIfAborted(options.signal, fail);

    const counter = new RowCounter(db, tableNames, countsTablesAlone(manifest));
    await phase("restore", async () => {
      if (serving) options.onServing?.(serving);
      if (existing.length > 0) await emptyTarget(db, server.major, options.onClean);
      const file = dump!.file;
      // Which item restores which table: read from the verified archive while pg_restore starts.
      const listing = runProgram(pgRestorePath, ["--list", file], { env, signal: options.signal }).then(
        ({ stdout }) => counter.setItems(tableDataItems(stdout, tableNames)),
        () => counter.setItems(new Map()), // then every table is counted after pg_restore
      );
      const args = pgRestoreArgs({
        database: parts.database,
        jobs: jobs.used,
        file,
        keepOwnersAndAcl: options.keepOwnersAndAcl,
        verbose: true,
      });
      const restoreEnv = untranslated(libpqEnvironment(options.targetUrl, env));
      try {
        await runPgRestore(pgRestorePath, args, restoreEnv, secrets, options.signal, (line) => counter.onLine(line));
      } catch (err) {
        throw fail(
          options.signal?.aborted
            ? "interrupted during pg_restore; the target is partially restored: restore again with --clean"
            : (err as Error).message,
        );
      } finally {
        await listing;
      }
      await dump!.remove();
    });
    throwIfAborted(options.signal, fail);

    const { tables, schema } = await phase("validate", async () => {
      // the fingerprint queues on the restore's session while other sessions count
      const [counts, actualFingerprint] = await Promise.all([
        counter
          .finish(jobs.used, () => connectDatabase(options.targetUrl, "target database"))
          .catch((err: Error) => {
            throw fail(`counting restored rows failed: ${err.message.split("\n")[0]}`);
          }),
        schemaFingerprint(db),
      ]);
      const tables: RestoreResult["tables"] = {};
      for (const [name, expected] of Object.entries(manifest.tables)) tables[name] = { expected, actual: counts[name] };
      const wrong = Object.entries(tables).filter(([, t]) => t.actual !== t.expected);
      if (wrong.length > 0) {
        const list = wrong
          .slice(0, 5)
          .map(([name, t]) => `${name} has ${t.actual} rows, expected ${t.expected}`)
          .join("; ");
        throw new RestoreValidationError(
          `restore of backup ${manifest.id} into ${target} does not match its manifest: ${list}`,
          tables,
        );
      }
      await db.end();
      client = undefined;
      return {
        tables,
        schema: {
          expected: manifest.schemaFingerprint,
          actual: actualFingerprint,
          matches: actualFingerprint === manifest.schemaFingerprint,
        },
      };
    });

    const then = options.then;
    throwIfAborted(options.signal, fail);
    if (then) {
      await phase("then", () =>
        runThenCommand(then, options.targetUrl, env, secrets, options.signal).catch((err: Error) => {
          throw fail(`${err.message}; the restore itself completed and was validated`);
        }),
      );
    }
    const ms = phase.ms;
    return {
      manifest,
      phases: {
        connectMs: ms.connect,
        downloadMs: ms.download,
        restoreMs: ms.restore,
        validateMs: ms.validate,
        ...(then ? { thenMs: ms.then } : {}),
      },
      totalMs: phase.elapsedMs(),
      jobs,
      reading: { inPlace: dump.inPlace, tablesCountedDuringRestore: counter.countedEarly },
      tables,
      schema,
    };
  } finally {
    await dump?.remove();
    await client?.end().catch(() => undefined);
  }
}

/** Manifest keys come from format('%I.%I') already; this keeps them safe if a manifest was edited. */
export function quoteTableName(name: string): string {
  if (/^("([^"]|"")+"|[a-z_][a-z0-9_$]*)\.("([^"]|"")+"|[a-z_][a-z0-9_$]*)$/.test(name)) return name;
  throw new Error(
    `manifest table name ${JSON.stringify(name)} is not a schema-qualified identifier: the manifest is malformed`,
  );
}

interface PhaseRunner {
  <T>(name: RestorePhase, run: () => Promise<T>): Promise<T>;
  ms: Record<RestorePhase, number>;
  /** From the start to the end of the last phase: the sum of the phases' times. */
  elapsedMs(): number;
}

/**
 * Runs phases in order, reporting start/done. Each phase's time runs from the end of the one
 * before (the first from startMs), so the small steps between phases are counted too and the
 * phases add up exactly to the total the CLI reports as the RTO.
 */
function timedPhases(startMs: number, onPhase?: RestoreOptions["onPhase"]): PhaseRunner {
  const ms: Record<RestorePhase, number> = { connect: 0, download: 0, restore: 0, validate: 0, then: 0 };
  let lastEnd = startMs;
  const runner = (async <T>(name: RestorePhase, run: () => Promise<T>) => {
    onPhase?.(name, "start");
    const value = await run();
    const end = performance.now();
    ms[name] = end - lastEnd;
    lastEnd = end;
    onPhase?.(name, "done");
    return value;
  }) as PhaseRunner;
  runner.ms = ms;
  runner.elapsedMs = () => lastEnd - startMs;
  return runner;
}

function throwIfAborted(signal: AbortSignal | undefined, fail: (reason: string) => Error): void {
  if (signal?.aborted) throw fail("interrupted");
}
