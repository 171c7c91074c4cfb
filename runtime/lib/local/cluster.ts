import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { findPostgresBinaries, PostgresBinaries } from "../postgres/binaries";
import { runProgram } from "../postgres/processes";
import { registerTeardown } from "./cleanupRegistry";
import { freeLoopbackPort } from "./freePort";
import { serverUser, ServerUser } from "./osUser";

const SERVER_PROGRAMS = ["initdb", "pg_ctl", "postgres"] as const;

export interface ClusterOptions {
  /** Label used in directory names and messages ("primary", "standby", "branch-…"). */
  name: string;
  /** Extra postgresql.conf settings (e.g. WAL archiving for the primary). */
  settings?: Record<string, string>;
  /** Parent directory for the cluster's files; default: a new directory under the OS temp dir. */
  baseDir?: string;
  binaries?: PostgresBinaries;
}

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1: its own data directory, a free port, a random
 * superuser password (scram-sha-256, so wrong credentials fail as they would in production),
 * no Unix socket outside its own directory. `destroy()` stops it and removes every file; the
 * cleanup registry does the same if the process dies first.
 */
export class LocalCluster {
  readonly superuser = "postgres";
  private unregister: (() => void) | undefined;
  private running = false;

  private constructor(
    readonly name: string,
    readonly rootDir: string,
    readonly dataDir: string,
    readonly port: number,
    readonly password: string,
    readonly binaries: PostgresBinaries,
    private readonly user: ServerUser,
    private readonly ownsRoot: boolean,
  ) {}

  /** initdb + start. */
  static async create(options: ClusterOptions): Promise<LocalCluster> {
    const cluster = await LocalCluster.prepare(options);
    try {
      await cluster.initdb();
      cluster.configure(options.settings ?? {});
      await cluster.start();
      return cluster;
    } catch (err) {
      cluster.destroySync();
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

  async initdb(): Promise<void> {
    const pwfile = path.join(this.rootDir, "pwfile");
    writeFileSync(pwfile, `${this.password}\n`, { mode: 0o600 });
    this.user.own(pwfile);
    try {
      await this.asServer(this.binaries.path("initdb"), [
        "-D",
        this.dataDir,
        "-U",
        this.superuser,
        "--pwfile",
        pwfile,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
      ]);
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

  async start(): Promise<void> {
    await this.asServer(this.binaries.path("pg_ctl"), [
      "-D",
      this.dataDir,
      "-l",
      this.logFile,
      "-w",
      "-t",
      "120",
      "start",
    ]);
    this.running = true;
  }

  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    if (!this.running) return;
    await this.asServer(this.binaries.path("pg_ctl"), ["-D", this.dataDir, "-m", mode, "-w", "stop"]);
    this.running = false;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Marks a cluster started by other means (pg_ctl in a recovery flow) as running. */
  markRunning(): void {
    this.running = true;
  }

  async destroy(): Promise<void> {
    try {
      await this.stop("fast");
    } catch {
      // a server that is already gone is fine; the files still go
    }
    this.removeFiles();
  }

  /** Synchronous teardown for exit and signal handlers. */
  destroySync(): void {
    if (this.running) {
      const { command, args } = this.user.wrap(this.binaries.path("pg_ctl"), [
        "-D",
        this.dataDir,
        "-m",
        "immediate",
        "-w",
        "stop",
      ]);
      spawnSync(command, args, { stdio: "ignore" });
      this.running = false;
    }
    this.removeFiles();
  }

  private removeFiles(): void {
    rmSync(this.rootDir, { recursive: true, force: true });
    this.unregister?.();
    this.unregister = undefined;
  }

  /** Runs a server program as the server user. */
  async asServer(program: string, args: string[]): Promise<void> {
    const { command, args: argv } = this.user.wrap(program, args);
    await runProgram(command, argv, { cwd: this.rootDir, secrets: [this.password] });
  }
}

function safeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "-").slice(0, 40) || "cluster";
}
