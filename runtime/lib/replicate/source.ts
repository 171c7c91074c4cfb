import type { Client } from "pg";
import { serverVersion, ServerVersion } from "../backup/database";
import { isMigrationHistory, ReplicatedTable, tablesWithoutIdentity, userTablesForReplication } from "./tables";

/**
 * What the source (the Neon primary) must allow before anything is created, read in one pass, and
 * the refusal that says exactly what to change. The role that setup connects as on the source is
 * the role the subscription will connect as: it needs REPLICATION (to stream changes), SELECT on
 * every table (the initial copy), ownership of the tables (a publication may only list tables its
 * creator owns) and CREATE on the database (to create the publication).
 */
export interface SourceFacts {
  server: ServerVersion;
  walLevel: string;
  role: string;
  superuser: boolean;
  replication: boolean;
  /** CREATE on the database: needed to create the publication. */
  canCreate: boolean;
  /** The tables the publication carries. */
  tables: ReplicatedTable[];
  /** Migration history tables (copied once by setup, never replicated). */
  history: ReplicatedTable[];
  withoutIdentity: string[];
  /** Sequences whose position the role cannot read (promote then sets them from the column maxima). */
  unreadableSequences: string[];
  slots: { used: number; max: number };
}

export async function inspectSource(client: Client): Promise<SourceFacts> {
  const server = await serverVersion(client);
  const { rows } = await client.query<{
    wal_level: string;
    role: string;
    superuser: boolean;
    replication: boolean;
    can_create: boolean;
    used: string;
    max: string;
  }>(
    `SELECT current_setting('wal_level') AS wal_level, current_user AS role,
            r.rolsuper AS superuser, r.rolreplication AS replication,
            has_database_privilege(current_database(), 'CREATE') AS can_create,
            (SELECT count(*) FROM pg_catalog.pg_replication_slots) AS used,
            current_setting('max_replication_slots') AS max
       FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`,
  );
  const candidates = await userTablesForReplication(client);
  const tables = candidates.filter((t) => !isMigrationHistory(t.name));
  const { rows: sequences } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'bloom_dr')
        AND NOT CASE WHEN c.relkind = 'S'
                     THEN has_sequence_privilege(c.oid, 'SELECT') OR has_sequence_privilege(c.oid, 'USAGE')
                     ELSE true END
      ORDER BY 1`,
  );
  const r = rows[0];
  return {
    server,
    walLevel: r.wal_level,
    role: r.role,
    superuser: r.superuser,
    replication: r.replication,
    canCreate: r.can_create,
    tables,
    history: candidates.filter((t) => isMigrationHistory(t.name)),
    withoutIdentity: await tablesWithoutIdentity(client, tables),
    unreadableSequences: sequences.map((s) => s.name),
    slots: { used: Number(r.used), max: Number(r.max) },
  };
}

export interface SourceNeeds {
  /** The publication must be created or its table list changed (ownership, CREATE). */
  publish: boolean;
  /** A replication slot will be created. */
  slot: boolean;
}

/**
 * The first reason the source cannot be replicated as it stands, as one line naming what to
 * change, or undefined. `source` is host:port/database.
 */
export function sourceProblem(facts: SourceFacts, needs: SourceNeeds, source: string): string | undefined {
  if (facts.walLevel !== "logical")
    return `the source ${source} has wal_level = ${facts.walLevel}, not logical: on Neon, enable logical replication for the project (the project setting enableLogicalReplication, which bloom-dr's prod stack sets with neon.logicalReplication: true, or the console's Settings, Logical replication); it restarts the project's computes and cannot be turned off again. Elsewhere set wal_level = logical and restart the server`;
  if (!facts.replication && !facts.superuser)
    return `the source role ${facts.role} may not replicate (it has no REPLICATION attribute): on Neon, connect as a role created through the Neon console, API or provider (neon.Role), which Neon creates with REPLICATION once logical replication is enabled; elsewhere run, as a superuser, ALTER ROLE ${facts.role} WITH REPLICATION`;
  if (facts.tables.length === 0) return `the source ${source} has no table to replicate`;
  if (facts.withoutIdentity.length > 0)
    return `refusing to replicate ${source}: ${facts.withoutIdentity.length} table(s) have no primary key or replica identity: ${facts.withoutIdentity.join(", ")}; a subscriber cannot apply their UPDATEs and DELETEs, and once they are published the primary refuses those statements: add a primary key, or run ALTER TABLE <table> REPLICA IDENTITY FULL, then run setup again; nothing was changed`;
  const unreadable = [...facts.tables, ...facts.history].filter((t) => !t.readable);
  if (unreadable.length > 0)
    return `the source role ${facts.role} cannot read ${unreadable.length} table(s) (first: ${unreadable[0].name}), which the initial copy needs: GRANT SELECT ON ALL TABLES IN SCHEMA <schema> TO ${facts.role} (as their owner ${unreadable[0].owner})`;
  if (needs.publish) {
    const notOwned = facts.tables.filter((t) => !t.owned);
    if (notOwned.length > 0)
      return `the source role ${facts.role} does not own ${notOwned.length} table(s) (first: ${notOwned[0].name}, owned by ${notOwned[0].owner}), and a publication may list only tables its creator owns: connect as ${notOwned[0].owner} (it needs REPLICATION too), or run GRANT ${notOwned[0].owner} TO ${facts.role}; nothing was changed`;
    if (!facts.canCreate)
      return `the source role ${facts.role} may not create a publication in ${source} (no CREATE privilege on the database): GRANT CREATE ON DATABASE <database> TO ${facts.role}`;
  }
  if (needs.slot && facts.slots.used >= facts.slots.max)
    return `the source ${source} has no free replication slot (${facts.slots.used} of max_replication_slots = ${facts.slots.max} in use): drop an unused slot (SELECT slot_name, active FROM pg_replication_slots) or raise max_replication_slots`;
  return undefined;
}
