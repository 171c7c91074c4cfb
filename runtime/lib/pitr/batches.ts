import type { ClientBase } from "pg";
import { quoteIdent } from "../integrity/identifiers";
import { RAW_TEXT } from "./connect";

/** Rows per FETCH / per text[] batch: large enough to amortise round trips, small in memory. */
export const BATCH_ROWS = 5000;

/** [[a1, b1], [a2, b2]] → [[a1, a2], [b1, b2]]: one text[] parameter per column. */
export function toColumnArrays(rows: readonly (readonly (string | null)[])[], width: number): (string | null)[][] {
  const columns: (string | null)[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) columns[i].push(row[i]);
  return columns;
}

/** Fetches an open cursor batch by batch, each row as the server's text of each column. */
export async function* fetchBatches(client: ClientBase, cursor: string): AsyncGenerator<(string | null)[][]> {
  for (;;) {
    const { rows } = await client.query({
      text: `FETCH ${BATCH_ROWS} FROM ${quoteIdent(cursor)}`,
      rowMode: "array",
      ...RAW_TEXT,
    });
    if (rows.length === 0) return;
    yield rows as (string | null)[][];
  }
}
