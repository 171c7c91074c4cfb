import { DrillName, DrillStep } from "./types";

export interface StepHooks {
  signal?: AbortSignal;
  /** Called before each step starts; throwing here fails the drill at that step (fault injection). */
  beforeStep?: (drill: DrillName, step: string) => void | Promise<void>;
  /** Progress for humans. */
  onStep?: (drill: DrillName, step: string, state: "start" | "done" | "failed", durationMs?: number) => void;
}

/**
 * Times every step of a drill and marks the incident and the validated recovery, whose distance
 * is the measured RTO. Steps check the abort signal before they start, so an interrupted drill
 * stops at the next step boundary (long operations also receive the signal themselves).
 */
export class StepTimer {
  readonly steps: DrillStep[] = [];
  private incidentAt: number | undefined;
  private recoveredAt: number | undefined;

  constructor(
    readonly drill: DrillName,
    private readonly hooks: StepHooks = {},
    private readonly now: () => number = Date.now,
  ) {}

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.hooks.signal?.throwIfAborted();
    await this.hooks.beforeStep?.(this.drill, name);
    this.hooks.signal?.throwIfAborted();
    return this.record(name, fn);
  }

  /** A step that runs whatever the signal says (clean-up), still timed. */
  async record<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = this.now();
    this.hooks.onStep?.(this.drill, name, "start");
    const entry: DrillStep = { name, startedAt: new Date(started).toISOString(), durationMs: 0 };
    this.steps.push(entry);
    try {
      const value = await fn();
      entry.durationMs = this.now() - started;
      this.hooks.onStep?.(this.drill, name, "done", entry.durationMs);
      return value;
    } catch (err) {
      entry.durationMs = this.now() - started;
      entry.error = err instanceof Error ? err.message : String(err);
      this.hooks.onStep?.(this.drill, name, "failed", entry.durationMs);
      throw err;
    }
  }

  /** The moment data was lost (deletion, corruption, primary down). */
  markIncident(at: number = this.now()): number {
    this.incidentAt = at;
    return at;
  }

  /** The moment the recovered database passed its checks. */
  markRecovered(at: number = this.now()): void {
    this.recoveredAt = at;
  }

  rtoMs(): number | undefined {
    if (this.incidentAt === undefined || this.recoveredAt === undefined) return undefined;
    return this.recoveredAt - this.incidentAt;
  }
}
