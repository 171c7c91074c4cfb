import { performance } from "node:perf_hooks";

/**
 * The phases of a promotion, in order; restore's own phases (connect, download, restore, validate)
 * included. A logical replica's promotion has drain (wait for the lag to drain), release (disable
 * and drop the subscription) and sequences instead of check and the restore's phases.
 */
export type PromotePhase =
  | "connect"
  | "check"
  | "download"
  | "restore"
  | "validate"
  | "drain"
  | "release"
  | "sequences"
  | "role"
  | "smoke"
  | "mark";

/**
 * Back-to-back phase times from the start (each from the end of the one before), so that they
 * add up exactly to the total: the measured RTO of the promotion.
 */
export class PhaseTimer {
  readonly phases: Partial<Record<`${PromotePhase}Ms`, number>> = {};
  private readonly started = performance.now();
  private last = this.started;

  constructor(private readonly onPhase?: (phase: PromotePhase, state: "start" | "done") => void) {}

  async phase<T>(name: PromotePhase, run: () => Promise<T>): Promise<T> {
    this.onPhase?.(name, "start");
    const value = await run();
    this.add(name, performance.now());
    this.onPhase?.(name, "done");
    return value;
  }

  /** Adds runRestore's phases; the moments around its own timing go to connect. */
  fold(startedAt: number, restoreTotalMs: number, restored: Record<string, number | undefined>): void {
    const end = performance.now();
    const before = startedAt - this.last;
    const gap = end - startedAt - restoreTotalMs;
    for (const name of ["connect", "download", "restore", "validate"] as const) {
      const ms = restored[`${name}Ms`] ?? 0;
      this.phases[`${name}Ms`] = (this.phases[`${name}Ms`] ?? 0) + ms + (name === "connect" ? before + gap : 0);
    }
    this.last = end;
  }

  get totalMs(): number {
    return this.last - this.started;
  }

  private add(name: PromotePhase, end: number): void {
    this.phases[`${name}Ms`] = (this.phases[`${name}Ms`] ?? 0) + (end - this.last);
    this.last = end;
  }
}
