/**
 * The part of the Pulumi Automation API the cloud platform uses, as an interface: runtime/ never
 * imports @pulumi (DESIGN.md), so the implementation lives in automation/pulumiStackDriver.ts and
 * is loaded with a dynamic import only for `--platform cloud`. Tests pass a fake.
 */
export interface StackOutputValue {
  value: unknown;
  secret: boolean;
}

export type StackOutputs = Record<string, StackOutputValue>;

export interface StackDriver {
  /** The fully qualified stack name, for messages. */
  readonly stackName: string;
  /** Current stack outputs (no update): what the last update deployed (the cloud platform reads failoverMode). */
  outputs(): Promise<StackOutputs>;
  /** A config value by path ("failover.mode"): what the next update will deploy; undefined when unset. */
  getConfig(path: string): Promise<string | undefined>;
  /** Sets config values by path ("failover.mode" → "standby"); values are plain (never secrets). */
  setConfig(values: Record<string, string>): Promise<void>;
  /** Removes config values by path. */
  removeConfig(paths: string[]): Promise<void>;
  /** `pulumi up`; resolves with the outputs after the update. */
  up(onOutput?: (line: string) => void): Promise<StackOutputs>;
  /** `pulumi destroy` (drill stacks only). */
  destroy(onOutput?: (line: string) => void): Promise<void>;
}

/** Loads a StackDriver for a named stack (the CLI passes the Pulumi one). */
export type StackDriverLoader = (stackName: string, workDir: string) => Promise<StackDriver>;
