import { pipeline } from "node:stream/promises";
import { performance } from "node:perf_hooks";
import { findPostgresBinaries } from "../postgres/binaries";
import {
  directHostFor,
  isNeonPooledHost,
  libpqEnvironment,
  parseConnectionUrl,
  redactSecrets,
} from "../postgres/connectionUrl";
import { stageObject } from "../store/staging";
import { discarded, leftOver } from "./failedBackup";
import { BackupStore, StagedObject } from "../store/types";
import { connectDatabase, countRows, describeDatabase, serverVersion, userTables } from "./database";
import { HashingStream } from "./hashingStream";
import {
  BackupManifest,
  backupIdFor,
  dumpKeyFor,
  LATEST_KEY,
  latestPointerFor,
  manifestKeyFor,
  parseLatestPointer,
} from "./manifest";
import { compressionFor, pgDumpArgs, PgDumpProcess, toolVersion } from "./pgDump";
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
  /** How pg_dump is looked up (given the server's major as minMajor); default findPostgresBinaries. */
  findBinaries?: typeof findPostgresBinaries;
}

export interface BackupResult {
  id: string;
  manifest: BackupManifest;
  durationMs: number;
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

/**
 * Streams a consistent pg_dump of a database into a store, then writes its manifest and, last,
 * latest.json. The dump, the row counts and the schema fingerprint all come from one exported
 * snapshot. The dump stays staged (an uncompleted multipart upload, a hidden temp file) until its
 * size and the row counts are in, so a failure before the manifest leaves nothing visible and
 * needs no delete: the S3 vault denies deletes to the dump job. Only a failure in the instant
 * between the dump's commit and its manifest, or after the manifest, needs a removal; where the
 * store refuses it, the error names exactly what stayed and whether it is a complete backup
 * (a manifest is the only proof of one: a dump without it is in no catalog, restore or latest.json).
 */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const { store, signal } = options;
  const now = options.now ?? (() => new Date());
  const env = options.env ?? process.env;
  const findBinaries = options.findBinaries ?? findPostgresBinaries;
  const parts = checkSourceUrl(options.dbUrl);
  const secrets = [parts.password];
  const where = describeDatabase(options.dbUrl);
  const fail = (reason: string) => new Error(redactSecrets(`backup of ${where} failed: ${reason}`, secrets));
  const startedAt = now();
  const startMs = performance.now();
  throwIfAborted(signal, fail);

  const client = await connectDatabase(options.dbUrl, "source database");
  try {
    const server = await serverVersion(client);
    const pgDumpPath = findBinaries(["pg_dump"], { minMajor: server.major, env }).path("pg_dump");
    const pgDumpVersion = await toolVersion(pgDumpPath);
    const compression = compressionFor(Number.parseInt(pgDumpVersion, 10));
    throwIfAborted(signal, fail);

    const snapshot = await exportSnapshot(client);
    const id = backupIdFor(startedAt);
    const dumpKey = dumpKeyFor(id);
    const dump = new PgDumpProcess(
      pgDumpPath,
      pgDumpArgs(snapshot.id, compression.arg),
      libpqEnvironment(options.dbUrl, env),
      secrets,
    );
    const hashing = new HashingStream({ onProgress: options.onProgress, beforeEnd: () => dump.succeeded() });
    const onAbort = () => void dump.stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();

    // The store consumes the hashed stream while this session counts rows in the same snapshot.
    const feeding = pipeline(dump.stdout, hashing).catch(() => undefined);
    const uploading = stageObject(store, dumpKey, hashing, signal);
    const inspecting = (async () => ({
      tables: await countRows(client, await userTables(client)),
      fingerprint: await schemaFingerprint(client),
    }))();
    inspecting.catch(() => undefined);
    let staged: StagedObject;
    try {
      staged = await uploading;
    } catch (err) {
      await dump.stop();
      await feeding;
      throw fail(await dumpFailureReason(dump, err, signal));
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }

    let described: { tables: Record<string, number>; fingerprint: string };
    try {
      described = await inspecting;
      await releaseSnapshot(client);
    } catch (err) {
      throw fail(
        `counting rows in the snapshot failed: ${(err as Error).message.split("\n")[0]}${await discarded(staged, dumpKey)}`,
      );
    }
    const bytes = staged.bytes;
    if (bytes !== hashing.bytes) {
      throw fail(
        `the store wrote ${bytes} bytes of ${dumpKey} but pg_dump produced ${hashing.bytes}${await discarded(staged, dumpKey)}`,
      );
    }
    try {
      throwIfAborted(signal, fail);
      await staged.commit();
    } catch (err) {
      const reason =
        err instanceof Error && err.message.startsWith("backup of ") ? "interrupted" : (err as Error).message;
      throw fail(`${reason.split("\n")[0]}${await discarded(staged, dumpKey)}`);
    }

    const manifest: BackupManifest = {
      formatVersion: 1,
      id,
      ...(options.label ? { label: options.label } : {}),
      dump: { key: dumpKey, sha256: hashing.sha256, bytes, format: "custom", compression: compression.label },
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
      schemaFingerprint: described.fingerprint,
    };
    await publish(store, manifest, signal, fail);
    return { id, manifest, durationMs: performance.now() - startMs };
  } catch (err) {
    // server-side refusals (e.g. no snapshot export on a standby) get the same one-line shape
    const message = (err as Error).message.split("\n")[0];
    throw message.startsWith("backup of ") ? err : fail(message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Manifest, then latest.json. A failure between the two removes the manifest and the dump, so
 * the store holds either the complete backup or nothing of it. latest.json only moves forward:
 * a backup that finishes after a newer one leaves latest.json on the newer. Where the store
 * refuses the removal (the S3 vault denies deletes), the error says what stayed (leftOver).
 */
async function publish(
  store: BackupStore,
  manifest: BackupManifest,
  signal: AbortSignal | undefined,
  fail: (r: string) => Error,
): Promise<void> {
  const manifestKey = manifestKeyFor(manifest.id);
  let manifestWritten = false;
  try {
    throwIfAborted(signal, fail);
    await store.putText(manifestKey, `${JSON.stringify(manifest, null, 2)}\n`);
    manifestWritten = true;
    throwIfAborted(signal, fail);
    const current = await store.getText(LATEST_KEY);
    const currentId = current ? safeLatestId(current) : undefined;
    if (!currentId || currentId < manifest.id) {
      await store.putText(LATEST_KEY, `${JSON.stringify(latestPointerFor(manifest), null, 2)}\n`);
    }
  } catch (err) {
    const reason =
      err instanceof Error && err.message.startsWith("backup of ") ? "interrupted" : (err as Error).message;
    throw fail(`${reason.split("\n")[0]}${await leftOver(store, manifest, manifestWritten)}`);
  }
}

function safeLatestId(text: string): string | undefined {
  try {
    return parseLatestPointer(text, LATEST_KEY).id;
  } catch {
    return undefined; // a malformed pointer is replaced by a good one
  }
}

/** The first cause: the interruption, pg_dump's own failure, or the store's error. */
async function dumpFailureReason(dump: PgDumpProcess, storeError: unknown, signal?: AbortSignal): Promise<string> {
  if (signal?.aborted) return "interrupted before the dump was complete";
  const { code, signal: exitSignal } = await dump.exited;
  if (!dump.wasStopped && code !== 0) return dump.failure(code, exitSignal);
  return (storeError as Error).message.split("\n")[0];
}

function throwIfAborted(signal: AbortSignal | undefined, fail: (reason: string) => Error): void {
  if (signal?.aborted) throw fail("interrupted");
}
