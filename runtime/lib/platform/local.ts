import path from "node:path";
import { LocalCluster } from "../local/cluster";
import { findPostgresBinaries, PostgresBinaries } from "../postgres/binaries";
import { assertBranchTime } from "./historyWindow";
import { createPitrBranch } from "./localPitr";
import { archiveThrough, archivingSettings, serverDir, takeBaseBackup } from "./localWal";
import { withClient } from "./sql";
import { createTempRoot, TempRoot } from "./tempRoot";
import { DisposableDatabase, PlatformNeeds, RecoveryPlatform } from "./types";

/** Server programs the local platform runs (pg_basebackup only when branches are needed). */
export const LOCAL_SERVER_PROGRAMS = ["initdb", "pg_ctl", "postgres", "pg_basebackup"] as const;

/** The database the drills work in, on the primary and on the standby. */
export const LOCAL_DATABASE = "bloom";

export interface LocalPlatformOptions {
  /** Where the temporary root is created; default the OS temp dir. */
  tempParent?: string;
  /** Finds PostgreSQL (injected by tests to simulate a machine without it). */
  findBinaries?: (programs: readonly string[]) => PostgresBinaries;
  signal?: AbortSignal;
  /** The clock that says which branch times are in the future; default the system clock. */
  now?: () => Date;
}

/**
 * The embedded default platform: throwaway clusters in one temporary directory. The primary
 * archives its WAL and has a base backup taken at start, so `branchAt(T)` is a real
 * point-in-time recovery into a new cluster, and writes logical WAL, so the standby (an empty
 * cluster to restore into) can also subscribe to it as a logical replica.
 */
export class LocalPlatform implements RecoveryPlatform {
  readonly name = "local" as const;
  private readonly branches = new Set<LocalCluster>();
  private standby: LocalCluster | undefined;
  private freshPrimary: LocalCluster | undefined;
  private baseBackupAt: Date | undefined;
  private archivedThrough: Date | undefined;
  private disposed = false;

  private constructor(
    readonly root: TempRoot,
    readonly primary: LocalCluster,
    private readonly binaries: PostgresBinaries,
    private readonly archiveDir: string,
    private readonly baseBackupDir: string,
    private readonly now: () => Date,
  ) {}

  static async open(needs: PlatformNeeds, options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
    const find = options.findBinaries ?? ((programs) => findPostgresBinaries(programs));
    // before anything is created: a machine without PostgreSQL fails here with nothing to undo
    const binaries = find(LOCAL_SERVER_PROGRAMS);
    options.signal?.throwIfAborted();
    const root = createTempRoot("drill", options.tempParent);
    let platform: LocalPlatform | undefined;
    try {
      const archiveDir = serverDir(root.dir, "wal-archive");
      const primary = await LocalCluster.prepare({ name: "primary", baseDir: root.dir, binaries });
      platform = new LocalPlatform(
        root,
        primary,
        binaries,
        archiveDir,
        path.join(root.dir, "base-backup"),
        options.now ?? (() => new Date()),
      );
      const opened = platform;
      // the standby is independent of the primary: both come up at the same time
      await settleAll([
        (async () => {
          // 1 MB WAL segments (instead of 16 MB): archive_timeout and forced switches then cost little disk
          await primary.initdb({ signal: options.signal, extraArgs: ["--wal-segsize=1"] });
          // logical WAL (a superset of what archiving needs) so that a replica can subscribe (drill failover --replica)
          primary.configure({ ...(needs.branches ? archivingSettings(archiveDir) : {}), wal_level: "logical" });
          options.signal?.throwIfAborted();
          await primary.start(options.signal);
          await withClient(primary.url(), (c) => c.query(`CREATE DATABASE ${LOCAL_DATABASE}`));
          options.signal?.throwIfAborted();
          if (needs.branches) opened.baseBackupAt = await takeBaseBackup(primary, opened.baseBackupDir);
        })(),
        needs.standby ? opened.startStandby(options.signal) : Promise.resolve(),
      ]);
      options.signal?.throwIfAborted();
      return platform;
    } catch (err) {
      if (platform) await platform.dispose();
      else root.dispose();
      throw err;
    }
  }

  primaryUrl(): string {
    return this.primary.url(LOCAL_DATABASE);
  }

  async branchAt(at: Date, name: string, signal?: AbortSignal): Promise<DisposableDatabase> {
    if (!this.baseBackupAt)
      throw new Error("this local platform was opened without branches: open it with { branches: true }");
    assertBranchTime(at, { start: this.baseBackupAt, end: this.now(), startsAt: "the base backup" });
    if (!this.archivedThrough || this.archivedThrough.getTime() <= at.getTime()) {
      if (!this.primary.isRunning) {
        throw new Error(
          `branch time ${at.toISOString()} is after the last archived WAL (${this.archivedThrough?.toISOString() ?? "none since the base backup"}) and the primary is stopped: pick an earlier time`,
        );
      }
      this.archivedThrough = await archiveThrough(this.primary.url(), at, signal);
    }
    const cluster = await createPitrBranch({
      name: `branch-${name}`,
      baseDir: this.root.dir,
      baseBackupDir: this.baseBackupDir,
      archiveDir: this.archiveDir,
      at,
      binaries: this.binaries,
      sourcePassword: this.primary.password,
      signal,
    });
    this.branches.add(cluster);
    return {
      url: cluster.url(LOCAL_DATABASE),
      dispose: async () => {
        this.branches.delete(cluster);
        await cluster.destroy();
      },
    };
  }

  async standbyUrl(): Promise<string> {
    if (!this.standby) await this.startStandby();
    return this.standby!.url(LOCAL_DATABASE);
  }

  /** A new cluster with an empty Bloom database: the primary a failover drill fails back into. */
  async freshPrimaryUrl(): Promise<string> {
    if (!this.freshPrimary) {
      const cluster = await LocalCluster.create({
        name: "new-primary",
        baseDir: this.root.dir,
        binaries: this.binaries,
      });
      this.freshPrimary = cluster;
      await withClient(cluster.url(), (c) => c.query(`CREATE DATABASE ${LOCAL_DATABASE}`));
    }
    return this.freshPrimary.url(LOCAL_DATABASE);
  }

  async losePrimary(): Promise<void> {
    // immediate: no shutdown checkpoint, like a crash
    await this.primary.stop("immediate");
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const cluster of [...this.branches]) await cluster.destroy();
    this.branches.clear();
    await this.standby?.destroy();
    await this.freshPrimary?.destroy();
    await this.primary.destroy();
    this.root.dispose();
  }

  private async startStandby(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.standby = await LocalCluster.create({
      name: "standby",
      baseDir: this.root.dir,
      binaries: this.binaries,
      signal,
    });
    await withClient(this.standby.url(), (c) => c.query(`CREATE DATABASE ${LOCAL_DATABASE}`));
  }
}

/** Waits for every task to settle (nothing may still be starting when we clean up), then throws the first failure. */
async function settleAll(tasks: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

export function openLocalPlatform(needs: PlatformNeeds, options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  return LocalPlatform.open(needs, options);
}
