/**
 * The shape check of a manifest, field by field, without a schema library: restores and listings
 * read manifests on every run, and zod alone cost ~90 ms of start-up. Throws ShapeError naming the
 * first field that is wrong; returns a copy holding only the known fields.
 */
import { BACKUP_ID_PATTERN } from "./backupId";
import type { BackupManifest, CustomDump, DirectoryDump, DumpFile } from "./manifest";

export class ShapeError extends Error {
  constructor(
    readonly at: string,
    readonly reason: string,
  ) {
    super(`${at}: ${reason}`);
  }
}

type Json = Record<string, unknown>;

const SHA256 = /^[0-9a-f]{64}$/;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function object(value: unknown, at: string): Json {
  if (kind(value) !== "object") throw new ShapeError(at, `expected an object, received ${kind(value)}`);
  return value as Json;
}

function string(value: unknown, at: string, pattern?: RegExp, expected?: string): string {
  if (typeof value !== "string") throw new ShapeError(at, `expected a string, received ${kind(value)}`);
  if (pattern && !pattern.test(value)) throw new ShapeError(at, expected ?? `expected to match ${pattern}`);
  return value;
}

function nonEmpty(value: unknown, at: string): string {
  const text = string(value, at);
  if (text.length === 0) throw new ShapeError(at, "expected a non-empty string");
  return text;
}

function integer(value: unknown, at: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new ShapeError(
      at,
      `expected an integer, received ${kind(value)}${typeof value === "number" ? ` ${value}` : ""}`,
    );
  if (value < min)
    throw new ShapeError(at, `expected ${min === 0 ? "a non-negative" : "a positive"} integer, received ${value}`);
  return value;
}

function isoTime(value: unknown, at: string): string {
  const text = string(value, at);
  if (Number.isNaN(Date.parse(text))) throw new ShapeError(at, "expected an ISO-8601 time");
  return text;
}

function sha256(value: unknown, at: string): string {
  return string(value, at, SHA256, "expected 64 lowercase hex digits");
}

function record<T>(value: unknown, at: string, each: (v: unknown, at: string, key: string) => T): Record<string, T> {
  const input = object(value, at);
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(input)) out[key] = each(v, `${at}.${key}`, key);
  return out;
}

function dumpFile(value: unknown, at: string): DumpFile {
  const file = object(value, at);
  return { bytes: integer(file.bytes, `${at}.bytes`, 0), sha256: sha256(file.sha256, `${at}.sha256`) };
}

function customDump(dump: Json): CustomDump {
  return {
    key: nonEmpty(dump.key, "dump.key"),
    sha256: sha256(dump.sha256, "dump.sha256"),
    bytes: integer(dump.bytes, "dump.bytes", 0),
    format: "custom",
    compression: nonEmpty(dump.compression, "dump.compression"),
  };
}

function directoryDump(dump: Json): DirectoryDump {
  const files = record(dump.files, "dump.files", (v, at, name) => {
    if (!FILE_NAME.test(name) || name.includes("..")) throw new ShapeError(at, "expected a plain file name");
    return dumpFile(v, at);
  });
  if (!("toc.dat" in files)) throw new ShapeError("dump.files", "expected toc.dat among the files");
  return {
    key: nonEmpty(dump.key, "dump.key"),
    sha256: sha256(dump.sha256, "dump.sha256"),
    bytes: integer(dump.bytes, "dump.bytes", 0),
    format: "directory",
    compression: nonEmpty(dump.compression, "dump.compression"),
    jobs: integer(dump.jobs, "dump.jobs", 1),
    files,
  };
}

/** Checks every field of a parsed manifest (format 1 or 2); throws ShapeError at the first wrong one. */
export function manifestShape(json: unknown): BackupManifest {
  const m = object(json, "(root)");
  const formatVersion = m.formatVersion;
  if (formatVersion !== 1 && formatVersion !== 2)
    throw new ShapeError("formatVersion", `expected 1 or 2, received ${JSON.stringify(formatVersion) ?? "nothing"}`);
  const dumpJson = object(m.dump, "dump");
  let dump: CustomDump | DirectoryDump;
  if (dumpJson.format === "custom") dump = customDump(dumpJson);
  else if (dumpJson.format === "directory" && formatVersion === 2) dump = directoryDump(dumpJson);
  else
    throw new ShapeError(
      "dump.format",
      `expected ${formatVersion === 1 ? '"custom"' : '"custom" or "directory"'}, received ${JSON.stringify(dumpJson.format) ?? "nothing"}`,
    );
  const source = object(m.source, "source");
  const manifest: BackupManifest = {
    formatVersion,
    id: string(m.id, "id", BACKUP_ID_PATTERN, "expected a backup id such as 20261127T184800123Z-a1b2c3"),
    ...(m.label !== undefined ? { label: string(m.label, "label") } : {}),
    dump,
    source: {
      host: string(source.host, "source.host"),
      port: integer(source.port, "source.port", 1),
      database: string(source.database, "source.database"),
      serverVersion: string(source.serverVersion, "source.serverVersion"),
      serverMajor: integer(source.serverMajor, "source.serverMajor", 1),
    },
    pgDumpVersion: nonEmpty(m.pgDumpVersion, "pgDumpVersion"),
    startedAt: isoTime(m.startedAt, "startedAt"),
    finishedAt: isoTime(m.finishedAt, "finishedAt"),
    snapshotAt: isoTime(m.snapshotAt, "snapshotAt"),
    tables: record(m.tables, "tables", (v, at) => integer(v, at, 0)),
    schemaFingerprint: sha256(m.schemaFingerprint, "schemaFingerprint"),
  };
  if (formatVersion === 2) {
    manifest.partitions = record(m.partitions, "partitions", (v, at) => {
      if (!Array.isArray(v)) throw new ShapeError(at, `expected an array, received ${kind(v)}`);
      return v.map((leaf, i) => string(leaf, `${at}.${i}`));
    });
  }
  return manifest;
}
