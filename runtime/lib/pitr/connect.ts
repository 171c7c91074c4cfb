import { Client } from "pg";
import { redactSecrets, redactUrl } from "../postgres/connectionUrl";

/**
 * Session settings that make every value's text form canonical and identical on both servers:
 * values travel between branch and target as PostgreSQL's own text I/O, which round-trips
 * exactly only when both sides read and write the same formats.
 */
export const CANONICAL_SETTINGS: Record<string, string> = {
  DateStyle: "ISO, YMD",
  TimeZone: "UTC",
  IntervalStyle: "postgres",
  extra_float_digits: "3",
  bytea_output: "hex",
  standard_conforming_strings: "on",
};

export const CANONICAL_SETTINGS_SQL = Object.entries(CANONICAL_SETTINGS)
  .map(([name, value]) => `SET ${name} = '${value}'`)
  .join("; ");

/** Query options that hand back every value as the server's text, untouched by JS type parsing. */
export const RAW_TEXT = { types: { getTypeParser: () => (value: string) => value } } as const;

/** The URL each client was opened with: ending a session for good needs a second connection. */
const sessionUrls = new WeakMap<Client, string>();

/** Connects and applies the canonical settings; a failure is one line naming the role, no password. */
export async function openClient(url: string, role: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: "bloom-dr pitr" } as never);
  // a session ended under an idle client (an interrupt) must not become an unhandled 'error'
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query(CANONICAL_SETTINGS_SQL);
    sessionUrls.set(client, url);
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(redactSecrets(`cannot connect to the ${role} ${redactUrl(url)}: ${(err as Error).message}`, [url]));
  }
}

/** How long an interrupt waits for an ended session's backend to exit. */
const SESSION_END_TIMEOUT_MS = 10_000;

/**
 * Ends a session for good: closing the connection is not enough, because a statement running on
 * the server (a large INSERT … SELECT) does not notice that its client left and would run to its
 * end. The backend is terminated from a second connection (allowed for one's own role, no
 * superuser needed), which rolls back its transaction, and waited for; then the client is closed.
 */
export async function endSession(client: Client): Promise<void> {
  const url = sessionUrls.get(client);
  const pid = (client as unknown as { processID: number | null }).processID;
  if (url && pid) {
    const admin = new Client({ connectionString: url, application_name: "bloom-dr pitr (interrupt)" } as never);
    admin.on("error", () => undefined);
    try {
      await admin.connect();
      await admin.query("SELECT pg_catalog.pg_terminate_backend($1)", [pid]);
      const deadline = performance.now() + SESSION_END_TIMEOUT_MS;
      while (performance.now() < deadline) {
        const { rows } = await admin.query("SELECT 1 FROM pg_catalog.pg_stat_activity WHERE pid = $1", [pid]);
        if (rows.length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } catch {
      // best effort: closing the connection below still ends the session once its statement does
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  await client.end().catch(() => undefined);
}

export interface AbortWatch {
  /** Stops listening (the work finished or failed by itself). */
  stop(): void;
  /** Settles once every session the abort ended is gone (at once when there was no abort). */
  ended(): Promise<void>;
}

/**
 * Ends the sessions when the signal aborts (Ctrl-C): the running statement fails, an open
 * transaction is rolled back, and the caller's error path, after waiting for `ended()`, reports
 * "interrupted" knowing that nothing of it remains on the servers.
 */
export function closeOnAbort(signal: AbortSignal | undefined, clients: () => (Client | undefined)[]): AbortWatch {
  let ending: Promise<void> = Promise.resolve();
  if (!signal) return { stop: () => undefined, ended: () => ending };
  const onAbort = () => {
    ending = Promise.all(clients().map((c) => (c ? endSession(c) : undefined))).then(() => undefined);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return { stop: () => signal.removeEventListener("abort", onAbort), ended: () => ending };
}

/** The error to throw once interrupted, whatever the driver said while its connection closed. */
export function interruptedError(signal: AbortSignal | undefined, what: string): Error | undefined {
  return signal?.aborted
    ? new Error(`${what} interrupted; the transaction was rolled back, nothing was changed`)
    : undefined;
}

/**
 * Checks the signal where work is about to start or about to commit: an abort that arrives
 * before a session exists (or between statements) must not let the transaction commit.
 */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  const interrupted = interruptedError(signal, what);
  if (interrupted) throw interrupted;
}
