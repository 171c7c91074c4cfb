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

/** Connects and applies the canonical settings; a failure is one line naming the role, no password. */
export async function openClient(url: string, role: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: "bloom-dr pitr" } as never);
  try {
    await client.connect();
    await client.query(CANONICAL_SETTINGS_SQL);
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(redactSecrets(`cannot connect to the ${role} ${redactUrl(url)}: ${(err as Error).message}`, [url]));
  }
}

/**
 * Ends the connections when the signal aborts (Ctrl-C): the running statement fails, an open
 * transaction is rolled back by the server, and the caller's error path reports "interrupted".
 * Returns the function that stops listening.
 */
export function closeOnAbort(signal: AbortSignal | undefined, clients: () => (Client | undefined)[]): () => void {
  if (!signal) return () => undefined;
  const onAbort = () => {
    for (const c of clients()) c?.end().catch(() => undefined);
  };
  if (signal.aborted) onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/** The error to throw once interrupted, whatever the driver said while its connection closed. */
export function interruptedError(signal: AbortSignal | undefined, what: string): Error | undefined {
  return signal?.aborted
    ? new Error(`${what} interrupted; the transaction was rolled back, nothing was changed`)
    : undefined;
}
