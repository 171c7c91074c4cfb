import { statfs } from "node:fs/promises";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { assertMinMajor, findPostgresBinariesAsync, PostgresBinaries } from "../postgres/binaries";
import {
  directHostFor,
  isNeonPooledHost,
  libpqEnvironment,
  parseConnectionUrl,
  redactSecrets,
} from "../postgres/connectionUrl";
import { connectionsAvailable, targetConnections } from "../restore/jobs";
import { stageDirectory } from "../store/stagedDirectory";
import { BackupStore, StagedDirectory, StagedObject } from "../store/types";
import { Compression, compressionArg, compressionLabel, defaultCompression, parseCompression } from "./compression";
import {
  connectDatabase,
  countRows,
  describeDatabase,
  estimatedDataBytes,
  serverVersion,
  tableLayout,
} from "./database";
import { DirectoryDumpResult } from "./directoryDump";
import { dumpDirectory, streamCustomDump } from "./dumpForms";
import { discarded } from "./failedBackup";
import { publish } from "./publish";
import { BackupManifest, backupIdFor, directoryDigest, dumpKeyFor } from "./manifest";
import { parseToolVersion, PgDumpProcess, pgDumpArgs, toolVersion } from "./pgDump";
import { backupJobs, chooseFormat, defaultMaxPendingBytes, DumpFormat } from "./plan";
import { schemaFingerprint } from "./schemaFingerprint";
import { exportSnapshot, releaseSnapshot } from "./snapshot";

export interface BackupOptions {
  dbUrl: string;
  store: BackupStore;
  label?: string;
  onProgress?: (progress: { bytes: number }) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Environment for finding pg_dump (BLOOM_DR_PG_BIN) and for the child; default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * How pg_dump is looked up (while connecting; its major is then checked against the server's);
   * default findPostgresBinariesAsync.
   */
  findBinaries?: (
    programs: readonly string[],
    options: { env?: NodeJS.ProcessEnv },
  ) => PostgresBinaries | Promise<PostgresBinaries>;
  /** custom (one stream) or directory (parallel); default: chosen by the data's size (plan.ts). */
  format?: DumpFormat;
  /**
   * pg_dump -j for the directory form; default os.availableParallelism(). Capped by the
   * connections the source can accept (pg_dump -j N holds N + 1).
   */
  jobs?: number;
  /** "METHOD[:LEVEL]" or parsed; default: defaultCompression(pg_dump's major). */
  compress?: string | Compression;
  /** Where the directory form's files wait for a remote store; default os.tmpdir(). */
  tempDir?: string;
  /** Finished files that may wait there before pg_dump is paused; default defaultMaxPendingBytes. */
  maxPendingBytes?: number;
}

export interface BackupResult {
  id: string;
  manifest: BackupManifest;
  durationMs: number;
  /** pg_dump's jobs: asked for, what the source could take (after its margin), used. */
  jobs?: { requested: number; connectionsAvailable: number; used: number };
  /** The catalog's estimate of the table data, which chose the format when none was asked. */
  estimatedBytes?: number;
  /** Directory form: how often pg_dump was paused for uploads, and the most bytes waiting locally. */
  staging?: { pauses: number; peakPendingBytes: number; maxPendingBytes: number };
}

/** Refuses URLs that cannot carry a consistent dump; returns the parts otherwise. */
export function checkSourceUrl(url: string): ReturnType<typeof parseConnectionUrl> {
  const parts = parseConnectionUrl(url, "source database URL");
  if (isNeonPooledHost(parts.host)) {
    throw new Error(
      `${parts.host} is a Neon pooled (PgBouncer) endpoint, which cannot hold the snapshot a consistent dump needs: use the direct host ${directHostFor(parts.host)}`,
    );
  }
  return parts;
}

type Fail = (reason: string) => Error;

/**
 * Dumps a database consistently into a store, then writes its manifest and, last, latest.json.
 * The dump, the row counts and the schema fingerprint all come from one exported snapshot. The
 * custom form streams pg_dump's stdout into one object; the directory form runs pg_dump -j N and
 * stages each file as soon as pg_dump has finished it (directoryDump.ts). Either way the dump
 * stays staged (uncompleted multipart uploads, hidden temp files) until its sizes and the row
 * counts are in, so a failure before the manifest leaves nothing visible and needs no delete: the
 * S3 vault denies deletes to the dump job. Only a failure between the dump's commit and its
 * manifest, or after the manifest, needs a removal; where the store refuses it, the error names
 * exactly what stayed and whether it is a complete backup (a manifest is the only proof of one).
 */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const { store, signal } = options;
  const now = options.now ?? (() => new Date());
  const env = options.env ?? process.env;
  const findBinaries = options.findBinaries ?? findPostgresBinariesAsync;
  const parts = checkSourceUrl(options.dbUrl);
  const compress = typeof options.compress === "string" ? parseCompression(options.compress) : options.compress;
  const requestedJobs = options.jobs ?? os.availableParallelism();
  if (!Number.isInteger(requestedJobs) || requestedJobs < 1)
    throw new Error(`jobs must be a positive integer (got ${requestedJobs})`);
  const secrets = [parts.password];
  const where = describeDatabase(options.dbUrl);
  const fail: Fail = (reason) => new Error(redactSecrets(`backup of ${where} failed: ${reason}`, secrets));
  const startedAt = now();
  const startMs = performance.now();
  throwIfAborted(signal, fail);

  // pg_dump is looked up while the connection is made; its major is checked once the server's is known
  const finding = Promise.resolve().then(() => findBinaries(["pg_dump"], { env }));
  finding.catch(() => undefined);
  const client = await connectDatabase(options.dbUrl, "source database");
  try {
    const server = await serverVersion(client);
    const binaries = await finding;
    assertMinMajor(binaries, "pg_dump", server.major);
    const pgDumpPath = binaries.path("pg_dump");
    const pgDumpVersion = binaries.versionText ? parseToolVersion(binaries.versionText) : await toolVersion(pgDumpPath);
    const compression = compress ?? defaultCompression(Number.parseInt(pgDumpVersion, 10));
    const compressionValue = compressionArg(compression, { version: pgDumpVersion, path: pgDumpPath });
    throwIfAborted(signal, fail);

    const snapshot = await exportSnapshot(client);
    const id = backupIdFor(startedAt);
    const estimatedBytes = await estimatedDataBytes(client);
    const capacity = await targetConnections(client);
    const jobs = {
      requested: requestedJobs,
      connectionsAvailable: connectionsAvailable(capacity),
      used: backupJobs(requestedJobs, capacity),
    };
    const format = options.format ?? chooseFormat(estimatedBytes, jobs.used);
    if (format === "custom") jobs.used = 1;
    // This session counts rows and fingerprints the schema in the snapshot while pg_dump runs.
    const inspecting = (async () => {
      const layout = await tableLayout(client);
      return {
        layout,
        tables: await countRows(client, layout.tables, { only: true }),
        fingerprint: await schemaFingerprint(client),
      };
    })();
    // If counting fails, the snapshot's transaction is aborted and pg_dump fails to import it:
    // the counting error is then the cause to report.
    let inspectError: string | undefined;
    inspecting.catch((err: unknown) => (inspectError = `counting rows in the snapshot failed: ${firstLine(err)}`));
    const dumpEnv = libpqEnvironment(options.dbUrl, env);

    let staged: StagedObject | StagedDirectory;
    let dump: BackupManifest["dump"];
    let directory: DirectoryDumpResult | undefined;
    let maxPendingBytes = 0;
    const withCause = async <T>(dumping: Promise<T>): Promise<T> => {
      try {
        return await dumping;
      } catch (err) {
        // not awaited: a count waiting on another session's lock must not hold the failure up
        if (inspectError && !signal?.aborted) throw fail(inspectError);
        throw err;
      }
    };
    if (format === "custom") {
      const args = pgDumpArgs(snapshot.id, compressionValue);
      const streamed = await withCause(
        streamCustomDump(store, dumpKeyFor(id), new PgDumpProcess(pgDumpPath, args, dumpEnv, secrets), options, fail),
      );
      staged = streamed.staged;
      dump = {
        key: dumpKeyFor(id),
        sha256: streamed.sha256,
        bytes: streamed.bytes,
        format: "custom",
        compression: compressionLabel(compression),
      };
    } else {
      const stagedDir = await stageDirectory(store, id, { tempDir: options.tempDir });
      staged = stagedDir;
      maxPendingBytes = options.maxPendingBytes ?? defaultMaxPendingBytes(await freeBytes(stagedDir.dir));
      const args = pgDumpArgs(snapshot.id, compressionValue, {
        format: "directory",
        jobs: jobs.used,
        directory: stagedDir.dir,
      });
      directory = await withCause(
        dumpDirectory(
          stagedDir,
          new PgDumpProcess(pgDumpPath, args, dumpEnv, secrets),
          {
            ...options,
            key: id,
            jobs: jobs.used,
            maxPendingBytes,
          },
          fail,
        ),
      );
      const files = Object.fromEntries(Object.entries(directory.files).sort(([a], [b]) => (a < b ? -1 : 1)));
      dump = {
        key: id,
        sha256: directoryDigest(files),
        bytes: directory.bytes,
        format: "directory",
        compression: compressionLabel(compression),
        jobs: jobs.used,
        files,
      };
    }

    let described: Awaited<typeof inspecting>;
    try {
      described = await inspecting;
      await releaseSnapshot(client);
    } catch (err) {
      throw fail(`counting rows in the snapshot failed: ${firstLine(err)}${await discarded(staged, dump.key)}`);
    }
    try {
      throwIfAborted(signal, fail);
      await staged.commit();
    } catch (err) {
      const reason = err instanceof Error && err.message.startsWith("backup of ") ? "interrupted" : firstLine(err);
      throw fail(`${reason}${await discarded(staged, dump.key)}`);
    }

    const manifest: BackupManifest = {
      formatVersion: 2,
      id,
      ...(options.label ? { label: options.label } : {}),
      dump,
      source: {
        host: parts.host,
        port: parts.port,
        database: parts.database,
        serverVersion: server.version,
        serverMajor: server.major,
      },
      pgDumpVersion,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      snapshotAt: snapshot.at.toISOString(),
      tables: described.tables,
      partitions: described.layout.partitions,
      schemaFingerprint: described.fingerprint,
    };
    await publish(store, manifest, signal, fail);
    return {
      id,
      manifest,
      durationMs: performance.now() - startMs,
      jobs,
      estimatedBytes,
      ...(directory
        ? { staging: { pauses: directory.pauses, peakPendingBytes: directory.peakPendingBytes, maxPendingBytes } }
        : {}),
    };
  } catch (err) {
    // server-side refusals (e.g. no snapshot export on a standby) get the same one-line shape
    const message = firstLine(err);
    throw message.startsWith("backup of ") ? err : fail(message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freeBytes(dir: string): Promise<number> {
  try {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return 0; // the floor of defaultMaxPendingBytes applies
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

function throwIfAborted(signal: AbortSignal | undefined, fail: Fail): void {
  if (signal?.aborted) throw fail("interrupted");
}
