import { CliCommand } from "../command";
import { databaseUrlOption } from "./migrateOptions";

/** `bloom-dr migrate status`: Prisma's migration table, failed migrations and their ways out. */
export const migrateStatusCommand: CliCommand = {
  name: "migrate status",
  summary: "read _prisma_migrations: applied, failed and rolled-back migrations, and how to resolve a failed one",
  options: {
    db: { type: "string", value: "URL", required: true, description: "the migrated database (read-only)" },
  },
  details: `
The playbook's SEV-3 diagnosis (npx prisma migrate status), from the table itself. A migration is
failed when it started, did not finish and was not rolled back; each failed one is shown with the
first line of its logs and the playbook's two ways out:
  npx prisma migrate resolve --rolled-back NAME   after reverting what it changed, or fixing it (PASO 2 B, 4-6)
  npx prisma migrate resolve --applied NAME       when its changes were completed by hand (PASO 2 A)
The table is looked up in the schema of the URL's ?schema= parameter (Prisma's), else public
(Prisma's default), else the first schema on the search path that has one.

Examples:
  bloom-dr migrate status --db "$DIRECT_URL"
  bloom-dr migrate status --db "$DIRECT_URL?schema=app" --json

Exit status: 0 no failed migration (also when the database has no _prisma_migrations table);
1 a migration is failed, or the database could not be read; 2 usage error.`,
  async run(ctx) {
    const dbUrl = databaseUrlOption(ctx, "db");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only now (see migrateRun.ts)
    const actions = require("./migrateActions") as typeof import("./migrateActions");
    return actions.migrateStatus(ctx, dbUrl);
  },
};
