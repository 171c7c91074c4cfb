import { CliCommand, stringOption, UsageError } from "../command";

/** Where the password comes from: never argv, which every user of the machine can read in ps. */
export const MONITOR_PASSWORD_ENV = "BLOOM_DR_MONITOR_PASSWORD";
/** The owner's URL may come from the environment too (how `pulumi up` runs this command). */
export const OWNER_URL_ENV = "BLOOM_DR_OWNER_URL";

/** `bloom-dr monitor-role`: the health probe's low-privilege role, created in SQL (run by `pulumi up`). */
export const monitorRoleCommand: CliCommand = {
  name: "monitor-role",
  summary: "create or update the health probe's low-privilege role (LOGIN, CONNECT, pg_monitor, read-only)",
  options: {
    db: {
      type: "string",
      value: "URL",
      description: `the database owner's URL (Neon's owner role, RDS's master user); default: $${OWNER_URL_ENV}`,
    },
    role: { type: "string", value: "NAME", description: "the monitor role's name", default: "bloom_monitor" },
    "connection-limit": {
      type: "string",
      value: "N",
      description: "most sessions the role may hold at once",
      default: "5",
    },
  },
  details: `
The prod stack runs this at \`pulumi up\` (a @pulumi/command step, before the probe is scheduled)
with the password it generated; run it by hand only to repair the role. Neon makes every role
created through its API or Console a member of neon_superuser, so the monitor is created in SQL:
LOGIN, CONNECT on the database, pg_monitor (to count every session), nothing else; its sessions
are read-only with a 5 s statement timeout. An existing role of that name is updated (password,
connection limit) when it has no more than that, and refused otherwise. The role then logs in
once to check it works. Everything happens in one transaction: a failed grant leaves no role.

The password comes from $${MONITOR_PASSWORD_ENV} (at least 16 characters), never from an option.

Example:
  ${MONITOR_PASSWORD_ENV}=… bloom-dr monitor-role --db "$DIRECT_URL"

Exit status: 0 the role exists and logs in; 1 it could not be created or checked (one line
saying why); 2 usage error (no password, a bad role name or limit).`,
  async run(ctx) {
    const ownerUrl = stringOption(ctx, "db") ?? (process.env[OWNER_URL_ENV] || undefined);
    if (!ownerUrl)
      throw new UsageError(`--db is required (or ${OWNER_URL_ENV} in the environment): the database owner's URL`);
    const password = process.env[MONITOR_PASSWORD_ENV] ?? "";
    if (!password)
      throw new UsageError(`${MONITOR_PASSWORD_ENV} is not set: put the monitor role's password in the environment`);
    const role = stringOption(ctx, "role") ?? "bloom_monitor";
    const rawLimit = stringOption(ctx, "connection-limit") ?? "5";
    const connectionLimit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { ensureMonitorRole, monitorRoleRequestProblem } =
      require("../../lib/monitor/monitorRole") as typeof import("../../lib/monitor/monitorRole");
    const { parseConnectionUrl, redactUrl } =
      require("../../lib/postgres/connectionUrl") as typeof import("../../lib/postgres/connectionUrl");
    /* eslint-enable @typescript-eslint/no-require-imports */
    try {
      parseConnectionUrl(ownerUrl, "--db");
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const problem = monitorRoleRequestProblem({ role, password, connectionLimit });
    if (problem) throw new UsageError(problem.replace("the connection limit", "--connection-limit"));
    ctx.io.progress(`monitor-role: ${role}…`);
    let result;
    try {
      result = await ensureMonitorRole({ ownerUrl, role, password, connectionLimit });
    } catch (err) {
      throw new UsageError((err as Error).message, 1);
    }
    ctx.io.result(
      { ok: true, command: "monitor-role", db: redactUrl(ownerUrl), ...result },
      `role ${result.role} ${result.created ? "created" : "updated"} in ${result.database}: ${result.grants.join(", ")}; read-only sessions, statement_timeout ${result.settings.statement_timeout}, at most ${result.connectionLimit} connections; it logs in and sees every session`,
    );
    return 0;
  },
};
