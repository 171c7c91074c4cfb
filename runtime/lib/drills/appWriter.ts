import { Client } from "pg";

/**
 * The app writing to the primary during the replica drill: one session, one client row per
 * transaction (autocommit), explicit ids above everything there, each id recorded with the time
 * its COMMIT was acknowledged. It stops at the first error (the primary went away) or on stop(),
 * so afterwards it knows exactly which rows the primary committed, which one was in flight, and
 * when the app first failed: what the drill's RPO is counted from.
 */
export class AppWriter {
  readonly committed: { id: number; at: number }[] = [];
  /** The id whose INSERT was sent and not acknowledged when the writer stopped (it may or may not be committed). */
  inFlight: number | undefined;
  /** The first failed write: when (epoch ms) and why. */
  failure: { at: number; message: string } | undefined;
  private stopping = false;
  private readonly done: Promise<void>;

  private constructor(
    private readonly client: Client,
    firstId: number,
    private readonly clinicId: string,
    private readonly now: () => number,
  ) {
    this.done = this.run(firstId);
  }

  /** Connects and starts writing client rows from max(id) + 1. */
  static async start(url: string, now: () => number = Date.now): Promise<AppWriter> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
    client.on("error", () => undefined); // the primary going away surfaces as the failed INSERT
    await client.connect();
    try {
      const { rows } = await client.query<{ next: string; clinic: string }>(
        "SELECT (coalesce(max(id), 0) + 1)::text AS next, (SELECT min(id) FROM clinics)::text AS clinic FROM clients",
      );
      return new AppWriter(client, Number(rows[0].next), rows[0].clinic, now);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  private async run(firstId: number): Promise<void> {
    try {
      for (let id = firstId; !this.stopping; id++) {
        this.inFlight = id;
        try {
          await this.client.query(
            "INSERT INTO clients (id, clinic_id, full_name, tags) VALUES ($1::bigint, $2::bigint, 'drill writer ' || $1::text, '{drill}')",
            [id, this.clinicId],
          );
        } catch (err) {
          this.failure = { at: this.now(), message: (err as Error).message.split("\n")[0] };
          return;
        }
        this.committed.push({ id, at: this.now() });
        this.inFlight = undefined;
      }
    } finally {
      await this.client.end().catch(() => undefined);
    }
  }

  /** Resolves once `n` rows are committed; throws when the writer failed first. */
  async waitFor(n: number, signal?: AbortSignal): Promise<void> {
    while (this.committed.length < n && !this.failure && !this.stopping) {
      signal?.throwIfAborted();
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.committed.length < n)
      throw new Error(`the app's writes stopped after ${this.committed.length} rows: ${this.failure?.message}`);
  }

  /** Waits for the writer to end by itself (its first failed write). */
  finished(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }
}
