import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { findPostgresBinaries, PostgresBinaries } from "../postgres/binaries";
import { ProcessGroup, runProgram, signalGroup } from "../postgres/processes";
import { registerTeardown } from "./cleanupRegistry";
import { clusterTemplatesDir, copyTemplate, ensureTemplate } from "./clusterTemplate";
import { freeLoopbackPort } from "./freePort";
import { serverUser, ServerUser } from "./osUser";
import { portTakenSince, sleepSync } from "./startLog";

const SERVER_PROGRAMS = ["initdb", "pg_ctl", "postgres"] as const;

/** Starts tried when another process took the cluster's port between choosing it and binding it. */
export const START_ATTEMPTS = 5;

/** How long a server that pg_ctl has forked gets to write postmaster.pid before we stop looking. */
const PID_FILE_WAIT_MS = 2_000;

export interface ClusterOptions {
  /** Label used in directory names and messages ("primary", "standby", "branch-…"). */
  name: string;
  /** Extra postgresql.conf settings (e.g. WAL archiving for the primary). */
  settings?: Record<string, string>;
  /** Parent directory for the cluster's files; default: a new directory under the OS temp dir. */
  baseDir?: string;
  binaries?: PostgresBinaries;
  /** Aborting stops initdb or the starting server and removes everything (create only). */
  signal?: AbortSignal;
}

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1: its own data directory, a free port, a random
 * superuser password (scram-sha-256, so wrong credentials fail as they would in production),
 * no Unix socket outside its own directory. `destroy()` stops it and removes every file; the
 * cleanup registry does the same if the process dies first, including while `pg_ctl start` has
 * not returned yet (the server it is starting is stopped too).
 */
export class LocalCluster {
  readonly superuser = "postgres";
  private unregister: (() => void) | undefined;
  private running = false;
  /** A start was tried and the server was not stopped since: a postmaster may exist. */
  private mayRun = false;
  /** The `pg_ctl start` that has not returned yet. */
  private starting: ProcessGroup | undefined;
  /** Copied from a template: the superuser still has the template's password until start() sets ours. */
  private templatePassword: string | undefined;

  private constructor(
    readonly name: string,
    readonly rootDir: string,
    readonly dataDir: string,
    private currentPort: number,
    readonly password: string,
    readonly binaries: PostgresBinaries,
    private readonly user: ServerUser,
    private readonly ownsRoot: boolean,
  ) {}

  /** initdb + start. */
  static async create(options: ClusterOptions): Promise<LocalCluster> {
    const cluster = await LocalCluster.prepare(options);
    try {
      await cluster.initdb({ signal: options.signal });
      cluster.configure(options.settings ?? {});
      await cluster.start(options.signal);
      return cluster;
    } catch (err) {
      await cluster.destroy();
      options.signal?.throwIfAborted();
      throw err;
    }
  }

  /**
   * Lays out directories and picks a port without creating a data directory: for clusters whose
   * data directory comes from elsewhere (a base backup for point-in-time recovery).
   */
  static async prepare(options: ClusterOptions): Promise<LocalCluster> {
    const binaries = options.binaries ?? findPostgresBinaries(SERVER_PROGRAMS);
    const user = serverUser();
    const ownsRoot = !options.baseDir;
    const rootDir = options.baseDir
      ? path.join(options.baseDir, safeName(options.name))
      : mkdtempSync(path.join(os.tmpdir(), `bloom-dr-${safeName(options.name)}-`));
    mkdirSync(rootDir, { recursive: true, mode: 0o700 });
    user.own(rootDir);
    const port = await freeLoopbackPort();
    const password = randomBytes(18).toString("base64url");
    const cluster = new LocalCluster(
      options.name,
      rootDir,
      path.join(rootDir, "data"),
      port,
      password,
      binaries,
      user,
      ownsRoot,
    );
    cluster.unregister = registerTeardown(() => cluster.destroySync());
    return cluster;
  }

  /** The loopback port; it changes when a start finds it taken (see start). */
  get port(): number {
    return this.currentPort;
  }

  /** Connection URL for a database of this cluster (the superuser's credentials). */
  url(database = "postgres"): string {
    return `postgresql://${this.superuser}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
  }

  get logFile(): string {
    return path.join(this.rootDir, "server.log");
  }

  /** A directory inside the cluster's root that the server user can write (e.g. a WAL archive). */
  makeServerDir(name: string): string {
    const dir = path.join(this.rootDir, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.user.own(dir);
    return dir;
  }

  /**
   * initdb with the superuser's password; `extraArgs` e.g. --wal-segsize=1. With a template
   * directory configured (clusterTemplate.ts), a copy of the template instead, whose password
   * start() replaces with this cluster's own.
   */
  async initdb(options: { signal?: AbortSignal; extraArgs?: string[] } = {}): Promise<void> {
    const args = [
      "-U",
      this.superuser,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-sync",
      ...(options.extraArgs ?? []),
    ];
    const runInitdb = (dataDir: string, pwfile: string) =>
      this.asServer(this.binaries.path("initdb"), ["-D", dataDir, "--pwfile", pwfile, ...args], {
        signal: options.signal,
      });
    const templates = clusterTemplatesDir();
    if (templates) {
      const template = await ensureTemplate(templates, {
        initdb: this.binaries.path("initdb"),
        args,
        user: this.user,
        runInitdb,
      });
      await copyTemplate(template.dataDir, this.dataDir, options.signal);
      this.templatePassword = template.password;
      return;
    }
    const pwfile = path.join(this.rootDir, "pwfile");
    writeFileSync(pwfile, `${this.password}\n`, { mode: 0o600 });
    this.user.own(pwfile);
    try {
      await runInitdb(this.dataDir, pwfile);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  /** Appends settings to postgresql.conf; the last occurrence of a setting wins. */
  configure(settings: Record<string, string>): void {
    const base: Record<string, string> = {
      port: String(this.port),
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${this.dataDir}'`,
      fsync: "off", // throwaway clusters: durability across a machine crash is not needed
      full_page_writes: "on",
      max_connections: "40",
      shared_buffers: "64MB",
      log_min_messages: "warning",
    };
    const lines = Object.entries({ ...base, ...settings }).map(([k, v]) => `${k} = ${v}`);
    appendFileSync(path.join(this.dataDir, "postgresql.conf"), `\n# bloom-dr local platform\n${lines.join("\n")}\n`);
  }

  /**
   * pg_ctl start, waiting until the server accepts connections. The port was free when chosen,
   * but initdb runs for seconds before the server binds it and another process may take it
   * meanwhile: when the server log says so, a new port is chosen and the start tried again (up to
   * START_ATTEMPTS times). On abort, pg_ctl is stopped and so is the server it may have started.
   */
  async start(signal?: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const logOffset = fileSize(this.logFile);
      this.mayRun = true;
      try {
        await this.asServer(
          this.binaries.path("pg_ctl"),
          ["-D", this.dataDir, "-l", this.logFile, "-w", "-t", "120", "start"],
          { signal, onSpawn: (group) => (this.starting = group) },
        );
        this.running = true;
        if (this.templatePassword) await this.replaceTemplatePassword(this.templatePassword);
        return;
      } catch (err) {
        const pgCtlRan = this.starting !== undefined;
        this.starting = undefined;
        if (signal?.aborted) {
          // the postmaster pg_ctl forked may still be on its way to writing postmaster.pid
          if (pgCtlRan) await waitFor(() => existsSync(this.pidFile), PID_FILE_WAIT_MS);
          await this.stop("immediate").catch(() => undefined);
          signal.throwIfAborted();
        }
        if (attempt < START_ATTEMPTS && portTakenSince(this.logFile, logOffset)) {
          await this.movePort();
          continue;
        }
        throw err;
      } finally {
        this.starting = undefined;
      }
    }
  }

  private async replaceTemplatePassword(templatePassword: string): Promise<void> {
    const client = new Client({
      host: "127.0.0.1",
      port: this.port,
      user: this.superuser,
      password: templatePassword,
      database: "postgres",
    });
    await client.connect();
    try {
      await client.query(
        `ALTER ROLE ${client.escapeIdentifier(this.superuser)} PASSWORD ${client.escapeLiteral(this.password)}`,
      );
    } finally {
      await client.end();
    }
    this.templatePassword = undefined;
  }

  /** Stops the server (also one whose start failed or was interrupted half-way); no server is fine. */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    if (!this.running && !(this.mayRun && existsSync(this.pidFile))) return;
    await this.asServer(this.binaries.path("pg_ctl"), ["-D", this.dataDir, "-m", mode, "-w", "stop"]);
    this.running = false;
    this.mayRun = false;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async destroy(): Promise<void> {
    try {
      await this.stop("fast");
    } catch {
      // a server that is already gone is fine; the files still go
    }
    this.removeFiles();
  }

  /**
   * Synchronous teardown for exit and signal handlers. It also stops a server whose `pg_ctl
   * start` has not returned yet: pg_ctl (and anything under it) is killed, and the postmaster,
   * which pg_ctl put in a session of its own, is stopped through its postmaster.pid.
   */
  destroySync(): void {
    const starting = this.starting;
    if (starting?.pid !== undefined) signalGroup(starting.pid, "SIGKILL");
    if (this.running || this.mayRun) {
      // a start under way may not have written postmaster.pid yet
      const deadline = performance.now() + (starting ? PID_FILE_WAIT_MS : 0);
      while (!existsSync(this.pidFile) && performance.now() < deadline) sleepSync(20);
      if (existsSync(this.pidFile)) {
        const { command, args } = this.user.wrap(this.binaries.path("pg_ctl"), [
          "-D",
          this.dataDir,
          "-m",
          "immediate",
          "-w",
          "stop",
        ]);
        spawnSync(command, args, { stdio: "ignore" });
      }
      this.running = false;
      this.mayRun = false;
    }
    this.removeFiles();
  }

  private get pidFile(): string {
    return path.join(this.dataDir, "postmaster.pid");
  }

  /** A new free port for the next start (the last `port` line of postgresql.conf wins). */
  private async movePort(): Promise<void> {
    this.currentPort = await freeLoopbackPort();
    appendFileSync(
      path.join(this.dataDir, "postgresql.conf"),
      `\n# bloom-dr: the previous port was taken before the server could bind it\nport = ${this.currentPort}\n`,
    );
  }

  private removeFiles(): void {
    rmSync(this.rootDir, { recursive: true, force: true });
    this.unregister?.();
    this.unregister = undefined;
  }

  /** Runs a server program as the server user; on abort it is stopped with everything it started and the abort's reason thrown. */
  async asServer(
    program: string,
    args: string[],
    options: { signal?: AbortSignal; onSpawn?: (group: ProcessGroup) => void } = {},
  ): Promise<void> {
    const { command, args: argv } = this.user.wrap(program, args);
    try {
      await runProgram(command, argv, { cwd: this.rootDir, secrets: [this.password], ...options });
    } catch (err) {
      options.signal?.throwIfAborted(); // the interruption is the reason, not the program's exit
      throw err;
    }
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "-").slice(0, 40) || "cluster";
}
