/**
 * Where the drills run. Two implementations behind one interface: `local` (throwaway PostgreSQL
 * clusters on this machine, the default) and `cloud` (Neon branches + the Pulumi stacks).
 */
export type PlatformName = "local" | "cloud";

/** A database created for one purpose (a point-in-time branch); gone after `dispose()`. */
export interface DisposableDatabase {
  url: string;
  dispose(): Promise<void>;
}

/** What a drill needs from its platform, so that nothing unused is provisioned. */
export interface PlatformNeeds {
  /** branchAt(): a WAL-archiving primary with a base backup (local) or a Neon project (cloud). */
  branches: boolean;
  /** standbyUrl(): an empty cluster (local) or the DR stack's failover database (cloud). */
  standby: boolean;
}

export interface RecoveryPlatform {
  readonly name: PlatformName;
  /** The primary database the drill works on (the Bloom database). */
  primaryUrl(): string;
  /**
   * A new database holding the primary's data exactly as it was at `at`: a real point-in-time
   * recovery. Throws a one-line error when `at` is in the future or outside the recoverable
   * window; nothing is left behind in that case.
   */
  branchAt(at: Date, name: string, signal?: AbortSignal): Promise<DisposableDatabase>;
  /** An empty database to restore into (the failover target). */
  standbyUrl(): Promise<string>;
  /** Simulates losing the primary (local: the server is stopped). */
  losePrimary(): Promise<void>;
  /**
   * An empty database on a new primary, to fail back into once the failover is over (local: a new
   * cluster). Optional: where a platform has none, the failover drill fails back into a new
   * database from standbyUrl() instead.
   */
  freshPrimaryUrl?(): Promise<string>;
  /** Stops and removes everything this platform created. Safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Opens a platform with what a drill needs; `purpose` (the drill's name) labels what it creates.
 * The caller owns the platform and must dispose it.
 */
export type PlatformFactory = (
  needs: PlatformNeeds,
  purpose: string,
  signal?: AbortSignal,
) => Promise<RecoveryPlatform>;
