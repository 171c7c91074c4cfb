/**
 * pg_dump's compression, as `backup --compress METHOD[:LEVEL]` names it. pg_dump 15 and older have
 * gzip only (`-Z 0..9`); 16 added lz4 and zstd (`--compress=METHOD:LEVEL`). The dump stays
 * pg_dump's own archive either way, so stock pg_restore reads it.
 */

export type CompressionMethod = "none" | "gzip" | "lz4" | "zstd";

export interface Compression {
  method: CompressionMethod;
  /** Absent for none. */
  level?: number;
}

/** Levels each method accepts, and the one a bare method name means. */
const METHODS: Record<Exclude<CompressionMethod, "none">, { min: number; max: number; defaultLevel: number }> = {
  gzip: { min: 1, max: 9, defaultLevel: 6 },
  lz4: { min: 1, max: 12, defaultLevel: 1 },
  zstd: { min: 1, max: 22, defaultLevel: 3 },
};

/** The first pg_dump major with lz4 and zstd. */
export const NEW_METHODS_MAJOR = 16;

/**
 * The default, chosen by measurement (docs/engine.md, "Compression"; bench/compression.ts):
 * gzip level 1 where gzip is all pg_dump has; zstd level 1 from pg_dump 16 on, the fastest dump
 * of the methods measured (lz4 and zstd 3 included) and the smallest.
 */
export function defaultCompression(pgDumpMajor: number): Compression {
  return pgDumpMajor >= NEW_METHODS_MAJOR ? { method: "zstd", level: 1 } : { method: "gzip", level: 1 };
}

/** "gzip:1", "zstd:3", "none": how manifests and messages name it. */
export function compressionLabel(c: Compression): string {
  return c.method === "none" ? "none" : `${c.method}:${c.level}`;
}

/**
 * Parses `METHOD[:LEVEL]` (none, gzip, lz4, zstd; a bare method takes pg_dump's usual level for
 * it: gzip 6, lz4 1, zstd 3). Throws a one-line message naming what is accepted.
 */
export function parseCompression(text: string): Compression {
  const m = /^(none|gzip|lz4|zstd)(?::(\d+))?$/.exec(text.trim().toLowerCase());
  if (!m)
    throw new Error(
      `--compress ${JSON.stringify(text)} is not METHOD[:LEVEL]: use none, gzip[:1-9], lz4[:1-12] or zstd[:1-22], e.g. zstd:3`,
    );
  const method = m[1] as CompressionMethod;
  if (method === "none") {
    if (m[2] !== undefined) throw new Error(`--compress none takes no level (got "${text}")`);
    return { method };
  }
  const range = METHODS[method];
  const level = m[2] === undefined ? range.defaultLevel : Number(m[2]);
  if (level < range.min || level > range.max)
    throw new Error(`--compress ${method} level must be ${range.min} to ${range.max} (got ${level})`);
  return { method, level };
}

/**
 * pg_dump's --compress value for this pg_dump, or a one-line refusal naming its version when it
 * cannot do the method (lz4 and zstd need pg_dump 16).
 */
export function compressionArg(c: Compression, pgDump: { version: string; path: string }): string {
  const major = Number.parseInt(pgDump.version, 10);
  if (major >= NEW_METHODS_MAJOR) return compressionLabel(c);
  if (c.method === "none") return "0";
  if (c.method === "gzip") return String(c.level);
  throw new Error(
    `--compress ${compressionLabel(c)} needs pg_dump ${NEW_METHODS_MAJOR} or newer, but the pg_dump found is ${pgDump.version} (${pgDump.path}), which compresses with gzip only: use --compress gzip:1, or install postgresql-client-17 and set BLOOM_DR_PG_BIN`,
  );
}
