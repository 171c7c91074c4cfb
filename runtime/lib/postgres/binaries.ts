import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/** A directory holding PostgreSQL programs (pg_dump, pg_restore, psql, and for servers initdb). */
export interface PostgresBinaries {
  dir: string;
  major: number;
  path(program: string): string;
}

export const INSTALL_HINT =
  "install the PostgreSQL client and server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@17) or set BLOOM_DR_PG_BIN to its bin directory";

/** Candidate bin directories, most specific first: explicit setting, pg_config, the Debian layout, PATH. */
export function candidateBinDirs(env: NodeJS.ProcessEnv = process.env, debianRoot = "/usr/lib/postgresql"): string[] {
  const dirs: string[] = [];
  if (env.BLOOM_DR_PG_BIN) dirs.push(env.BLOOM_DR_PG_BIN);
  try {
    const bindir = execFileSync("pg_config", ["--bindir"], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (bindir) dirs.push(bindir);
  } catch {
    // pg_config is optional (client-only installs lack it)
  }
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(path.join(debianRoot, v, "bin"));
  }
  for (const p of (env.PATH ?? "").split(path.delimiter)) if (p) dirs.push(p);
  return [...new Set(dirs)];
}

/** The major version of a program, from `prog --version` ("pg_dump (PostgreSQL) 15.18" → 15). */
export function programMajorVersion(programPath: string): number {
  const out = execFileSync(programPath, ["--version"], { encoding: "utf8" });
  return parseMajorVersion(out);
}

export function parseMajorVersion(versionText: string): number {
  const m = /\b(\d+)(?:\.(\d+))?/.exec(versionText.replace(/^[^(]*\([^)]*\)\s*/, ""));
  if (!m) throw new Error(`cannot read a PostgreSQL version from "${versionText.trim()}"`);
  return Number(m[1]);
}

/**
 * Finds the newest directory that has every program needed, with a major version of at least
 * `minMajor`. Throws a one-line error with an install hint when there is none.
 */
export function findPostgresBinaries(
  programs: readonly string[],
  options: { minMajor?: number; env?: NodeJS.ProcessEnv; debianRoot?: string } = {},
): PostgresBinaries {
  const found: PostgresBinaries[] = [];
  for (const dir of candidateBinDirs(options.env, options.debianRoot)) {
    if (!programs.every((p) => existsSync(path.join(dir, p)))) continue;
    let major: number;
    try {
      major = programMajorVersion(path.join(dir, programs[0]));
    } catch {
      continue;
    }
    found.push({ dir, major, path: (program: string) => path.join(dir, program) });
  }
  found.sort((a, b) => b.major - a.major);
  const best = found[0];
  const needed = programs.join(", ");
  if (!best) throw new Error(`PostgreSQL programs not found (${needed}): ${INSTALL_HINT}`);
  if (options.minMajor !== undefined && best.major < options.minMajor) {
    throw new Error(
      `${programs[0]} ${best.major} (in ${best.dir}) is older than the server (PostgreSQL ${options.minMajor}): install the PostgreSQL ${options.minMajor} client tools (Debian: apt-get install postgresql-client-${options.minMajor}) or set BLOOM_DR_PG_BIN`,
    );
  }
  return best;
}
