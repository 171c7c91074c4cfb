import { connectDatabase } from "../backup/database";
import { quoteTableName } from "../restore/runRestore";

/**
 * As the app role: it logs in with the new password, is no superuser, reads every restored
 * table, and the smoke query (if any) returns rows. Returns the smoke query's row count.
 */
export async function smokeAsAppRole(
  targetUrl: string,
  role: string,
  password: string,
  tables: string[],
  smokeQuery: string | undefined,
): Promise<number | undefined> {
  const url = new URL(targetUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  const app = await connectDatabase(url.toString(), `database as the app role ${role}`);
  try {
    const { rows } = await app.query<{ super: boolean }>(
      "SELECT rolsuper AS super FROM pg_catalog.pg_roles WHERE rolname = current_user",
    );
    if (rows[0]?.super !== false) throw new Error(`the app role ${role} connected as a superuser`);
    for (const table of tables) {
      await app.query(`SELECT 1 FROM ${quoteTableName(table)} LIMIT 1`).catch((err: Error) => {
        throw new Error(`the app role ${role} cannot read ${table}: ${oneLine(err.message)}`);
      });
    }
    if (smokeQuery === undefined) return undefined;
    const result = await app.query(smokeQuery).catch((err: Error) => {
      throw new Error(`smoke query failed as the app role: ${oneLine(err.message)}`);
    });
    if (result.rows.length === 0) throw new Error(`smoke query returned no rows: ${smokeQuery.slice(0, 200)}`);
    return result.rows.length;
  } finally {
    await app.end().catch(() => undefined);
  }
}

function oneLine(text: string): string {
  return text.split("\n")[0];
}
