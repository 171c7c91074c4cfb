import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import path from "node:path";

/** A directory holding PostgreSQL programs (pg_dump, pg_restore, psql, and for servers initdb). */
export interface PostgresBinaries {
  dir: string;
  major: number;
  path(program: string): string;
  /** The first program's `--version` output, where the lookup read it (findPostgresBinariesAsync). */
  versionText?: string;
}

export const INSTALL_HINT =
  "install the PostgreSQL client and server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@17) or set BLOOM_DR_PG_BIN to its bin directory";

/** Candidate bin directories, most specific first: explicit setting, pg_config, the Debian layout, PATH. */
export function candidateBinDirs(
  env: NodeJS.ProcessEnv = process.env,
  debianRoot = "/usr/lib/postgresql",
  /** pg_config --bindir when the caller already ran it (undefined: run it here). */
  pgConfigBindir?: string,
): string[] {
  const dirs: string[] = [];
  if (env.BLOOM_DR_PG_BIN) dirs.push(env.BLOOM_DR_PG_BIN);
  let bindir = pgConfigBindir;
  if (bindir === undefined) {
    try {
      bindir = execFileSync("pg_config", ["--bindir"], {
        encoding: "utf8",
        env,
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      // pg_config is optional (client-only installs lack it)
    }
  }
  if (bindir) dirs.push(bindir);
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(path.join(debianRoot, v, "bin"));
  }
  for (const p of (env.PATH ?? "").split(path.delimiter)) if (p) dirs.push(p);
  return [...new Set(dirs)];
}

/**
 * The candidates worth asking: Debian's /usr/bin/pg_dump (and friends) is a link to pg_wrapper, a
 * Perl script that runs one of /usr/lib/postgresql/N/bin, which are candidates already; asking it
 * for its version costs ~50 ms and can only find the same programs.
 */
function withoutDebianWrappers(dirs: string[], program: string, debianRoot: string): string[] {
  const isWrapper = (dir: string) => {
    try {
      return realpathSync(path.join(dir, program)).endsWith("/postgresql-common/pg_wrapper");
    } catch {
      return false;
    }
  };
  const hasDebianDirs = dirs.some((dir) => dir.startsWith(`${debianRoot}/`) && !isWrapper(dir));
  return hasDebianDirs ? dirs.filter((dir) => !isWrapper(dir)) : dirs;
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
  const debianRoot = options.debianRoot ?? "/usr/lib/postgresql";
  for (const dir of withoutDebianWrappers(candidateBinDirs(options.env, debianRoot), programs[0], debianRoot)) {
    if (!programs.every((p) => existsSync(path.join(dir, p)))) continue;
    let major: number;
    try {
      major = programMajorVersion(path.join(dir, programs[0]));
    } catch {
      continue;
    }
    found.push({ dir, major, path: (program: string) => path.join(dir, program) });
  }
  return newest(found, programs, options.minMajor);
}

/** The newest of the directories found; one-line errors when there is none or it is too old. */
function newest(
  found: PostgresBinaries[],
  programs: readonly string[],
  minMajor: number | undefined,
): PostgresBinaries {
  found.sort((a, b) => b.major - a.major);
  const best = found[0];
  const needed = programs.join(", ");
  if (!best) throw new Error(`PostgreSQL programs not found (${needed}): ${INSTALL_HINT}`);
  assertMinMajor(best, programs[0], minMajor);
  return best;
}

/** Refuses binaries older than the server they are for, naming the client tools to install. */
export function assertMinMajor(found: PostgresBinaries, program: string, minMajor: number | undefined): void {
  if (minMajor !== undefined && found.major < minMajor) {
    throw new Error(
      `${program} ${found.major} (in ${found.dir}) is older than the server (PostgreSQL ${minMajor}): install the PostgreSQL ${minMajor} client tools (Debian: apt-get install postgresql-client-${minMajor}) or set BLOOM_DR_PG_BIN`,
    );
  }
}

function run(program: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(program, args, { encoding: "utf8", env: env ?? process.env }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    ),
  );
}

/**
 * findPostgresBinaries without blocking the event loop, for commands that look their tools up
 * while they connect: pg_config and every candidate's `--version` run in parallel (Debian's
 * /usr/bin wrappers are Perl and take tens of milliseconds each). Same candidates, same choice and
 * errors; the result also carries the `--version` output, so nobody runs it twice.
 */
export async function findPostgresBinariesAsync(
  programs: readonly string[],
  options: { minMajor?: number; env?: NodeJS.ProcessEnv; debianRoot?: string } = {},
): Promise<PostgresBinaries> {
  const env = options.env ?? process.env;
  const bindir = await run("pg_config", ["--bindir"], env).then(
    (out) => out.trim(),
    () => "", // pg_config is optional (client-only installs lack it)
  );
  const debianRoot = options.debianRoot ?? "/usr/lib/postgresql";
  const dirs = withoutDebianWrappers(candidateBinDirs(env, debianRoot, bindir), programs[0], debianRoot);
  const checked = await Promise.all(
    dirs
      .filter((dir) => programs.every((p) => existsSync(path.join(dir, p))))
      .map(async (dir): Promise<PostgresBinaries | undefined> => {
        try {
          const versionText = await run(path.join(dir, programs[0]), ["--version"], env);
          const major = parseMajorVersion(versionText);
          return { dir, major, versionText, path: (program: string) => path.join(dir, program) };
        } catch {
          return undefined;
        }
      }),
  );
  // the first directory of a major wins, as in the synchronous lookup (a stable sort keeps their order)
  return newest(
    checked.filter((b): b is PostgresBinaries => b !== undefined),
    programs,
    options.minMajor,
  );
}
