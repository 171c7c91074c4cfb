import { parseConnectionUrl } from "../../lib/postgres/connectionUrl";
import { CommandContext, requiredOption, UsageError } from "../command";

/**
 * A required database URL option, checked for shape before anything connects (exit 2 when
 * malformed). Shared by migrate, perf and readiness; connectionUrl is pure, so this loads nothing heavy.
 */
export function databaseUrlOption(ctx: CommandContext, name: string): string {
  const url = requiredOption(ctx, name, "a postgresql:// URL");
  try {
    parseConnectionUrl(url, `--${name}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return url;
}
