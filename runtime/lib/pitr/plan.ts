import type { ClientBase } from "pg";
import { displayTable, TableName } from "../integrity/identifiers";
import { foreignKeyEdges, parentsFirst } from "./fkOrder";
import { TypedColumn } from "./sqlBuilders";
import { describeTable, insertableColumns, keyColumns, shapeDifference, TableShape } from "./tableShape";

/** What moving one table's rows needs, checked on every side before anything is changed. */
export interface TablePlan {
  table: TableName;
  /** "schema.table" as reports show it. */
  display: string;
  /** Columns that are inserted (generated ones are left to the target). */
  columns: TypedColumn[];
  key: TypedColumn[];
  /** A GENERATED ALWAYS identity column needs OVERRIDING SYSTEM VALUE to keep the recovered ids. */
  overriding: boolean;
  /** Columns backed by a serial/identity sequence, to move past the recovered ids. */
  sequenceColumns: string[];
}

export interface Side {
  client: ClientBase;
  /** "branch", "target" or "source": used in refusals. */
  role: string;
}

/** A refusal: nothing was changed; the message lists every table that blocks the operation. */
export class RefusedError extends Error {}

/**
 * Resolves the tables on every side, refuses unknown tables, tables without a primary key and
 * tables whose columns differ between sides, then orders them parents first using the foreign
 * keys of the last side (where rows will be inserted).
 */
export async function planTables(sides: readonly Side[], tables: readonly TableName[]): Promise<TablePlan[]> {
  const reasons: string[] = [];
  const shapes: TableShape[] = [];
  for (const table of tables) {
    const found = await Promise.all(sides.map(async (s) => ({ side: s, shape: await describeTable(s.client, table) })));
    const absent = found.filter((f) => !f.shape).map((f) => f.side.role);
    if (absent.length) {
      reasons.push(`unknown table ${displayTable(table)}: not found in the ${absent.join(" or the ")}`);
      continue;
    }
    const [first, ...others] = found.map((f) => f.shape!);
    const last = others.length ? others[others.length - 1] : first;
    if (last.primaryKey.length === 0) {
      reasons.push(
        `table ${displayTable(table)} has no primary key: its rows cannot be matched between databases, so they are never copied blindly`,
      );
      continue;
    }
    const difference = others.map((o) => shapeDifference(first, o)).find(Boolean);
    if (difference) {
      reasons.push(difference);
      continue;
    }
    shapes.push(last);
  }
  if (reasons.length) throw new RefusedError(`${reasons.join("; ")}; nothing was changed`);
  const edges = await foreignKeyEdges(sides[sides.length - 1].client, tables);
  let order: string[];
  try {
    order = parentsFirst(
      shapes.map((s) => displayTable(s.table)),
      edges,
    );
  } catch (err) {
    throw new RefusedError(`${(err as Error).message}; nothing was changed`);
  }
  return order.map((name) => {
    const shape = shapes.find((s) => displayTable(s.table) === name)!;
    const columns = insertableColumns(shape);
    return {
      table: shape.table,
      display: name,
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
      key: keyColumns(shape).map((c) => ({ name: c.name, type: c.type })),
      overriding: columns.some((c) => c.identity === "a"),
      sequenceColumns: columns.filter((c) => c.sequence).map((c) => c.name),
    };
  });
}
