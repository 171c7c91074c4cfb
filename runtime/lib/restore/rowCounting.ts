/**
 * The exact row count of every table in the manifest, taken as cheaply as possible: each table is
 * counted as soon as pg_restore reports its data loaded ("finished item N TABLE DATA …" in its
 * verbose output, parallel mode), on the session the restore already holds, while pg_restore goes
 * on with other tables and index builds; whatever is left (tables whose item could not be matched,
 * a serial restore, partitioned parents of format-1 manifests) is counted after pg_restore, in
 * parallel sessions within the connections the target can take. Every table is counted once.
 */
import { Client } from "pg";
import { countTable } from "../backup/database";
import { parseTableName } from "../integrity/identifiers";
import { forEachLimited } from "../store/slots";

/**
 * Maps pg_restore's TABLE DATA items to manifest tables, from `pg_restore -l` lines such as
 * `3416; 0 16467 TABLE DATA public payments postgres` (schema, name and owner unquoted, so a name
 * with spaces is ambiguous). An item is kept only when exactly one manifest table matches it and
 * that table matches no other item: a wrong match would count a table before its rows are in.
 */
export function tableDataItems(listing: string, tables: readonly string[]): Map<number, string> {
  const names = tables.map((key) => {
    try {
      return { key, name: parseTableName(key) };
    } catch {
      return undefined;
    }
  });
  const matches = new Map<number, string[]>();
  const byTable = new Map<string, number[]>();
  for (const line of listing.split("\n")) {
    const m = /^(\d+); \d+ \d+ TABLE DATA (.*)$/.exec(line);
    if (!m) continue;
    const id = Number(m[1]);
    const rest = m[2];
    for (const entry of names) {
      if (!entry) continue;
      const prefix = `${entry.name.schema} ${entry.name.name}`;
      if (rest === prefix || rest.startsWith(`${prefix} `)) {
        matches.set(id, [...(matches.get(id) ?? []), entry.key]);
        byTable.set(entry.key, [...(byTable.get(entry.key) ?? []), id]);
      }
    }
  }
  const items = new Map<number, string>();
  for (const [id, keys] of matches) {
    if (keys.length === 1 && byTable.get(keys[0])!.length === 1) items.set(id, keys[0]);
  }
  return items;
}

/**
 * The item id of a "finished item N TABLE DATA …" line of pg_restore --verbose, else undefined.
 * pg_restore writes "pg_restore:", " " and the message in separate writes, so with parallel
 * workers sharing stderr a line may carry another process's prefix too, or none, or a bare space.
 */
export function finishedTableData(line: string): number | undefined {
  const m = /^(?:pg_restore:|\s)*finished item (\d+) TABLE DATA /.exec(line);
  return m ? Number(m[1]) : undefined;
}

export class RowCounter {
  private items: Map<number, string> | undefined;
  private readonly finishedEarly: number[] = [];
  private readonly counts = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private early: number | undefined;

  /**
   * `tables`: the manifest's keys, already checked as schema-qualified identifiers; `only`: count
   * each table alone (format 2) or with its descendants (format 1), as the manifest did.
   */
  constructor(
    private readonly db: Client,
    private readonly tables: readonly string[],
    private readonly only: boolean,
  ) {}

  /** The TABLE DATA items (tableDataItems); lines that arrived before are handled now. */
  setItems(items: Map<number, string>): void {
    this.items = items;
    for (const id of this.finishedEarly.splice(0)) this.finished(id);
  }

  /**
   * Feed every stderr line of pg_restore --verbose. Only counts of a table alone (format 2) are
   * taken early: a count with descendants (format 1) depends on other tables' data, which may not
   * be in yet, so those all wait for pg_restore to finish.
   */
  onLine(line: string): void {
    if (!this.only) return;
    const id = finishedTableData(line);
    if (id === undefined) return;
    if (!this.items) this.finishedEarly.push(id);
    else this.finished(id);
  }

  /** Tables counted while pg_restore ran (known once finish() was called). */
  get countedEarly(): number {
    return this.early ?? this.counts.size;
  }

  private finished(id: number): void {
    const table = this.items!.get(id);
    if (table === undefined || this.counts.has(table)) return;
    this.counts.set(table, -1); // claimed: counted once
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        this.counts.set(table, await countTable(this.db, table, { only: this.only }));
      } catch (err) {
        this.failure = err;
      }
    });
  }

  /**
   * Waits for the counts under way, then counts every table not counted yet with up to `sessions`
   * sessions (the restore's own and new ones from `connect`), and returns every table's count.
   */
  async finish(sessions: number, connect: () => Promise<Client>): Promise<Record<string, number>> {
    this.early = this.counts.size;
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
    const left = this.tables.filter((t) => !this.counts.has(t) || this.counts.get(t)! < 0);
    const extra = Math.max(0, Math.min(sessions, left.length) - 1);
    const clients: Client[] = [this.db];
    try {
      for (let i = 0; i < extra; i++) clients.push(await connect());
      const free = [...clients];
      await forEachLimited(left, clients.length, async (table) => {
        const client = free.pop()!;
        try {
          this.counts.set(table, await countTable(client, table, { only: this.only }));
        } finally {
          free.push(client);
        }
      });
    } finally {
      await Promise.all(clients.slice(1).map((c) => c.end().catch(() => undefined)));
    }
    return Object.fromEntries(this.tables.map((t) => [t, this.counts.get(t)!]));
  }
}
