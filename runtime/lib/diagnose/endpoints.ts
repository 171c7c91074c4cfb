/**
 * Which endpoints `diagnose` checks. Neon serves every compute twice: directly
 * (ep-<id>.<region>.aws.neon.tech) and through its PgBouncer (ep-<id>-pooler.…, same port), so for a
 * Neon host the other URL is derived when not given. Pure.
 */
import { directHostFor, isNeonPooledHost, parseConnectionUrl } from "../postgres/connectionUrl";
import type { EndpointTarget } from "./stages";

/** ep-<id>… hosts and anything under neon.tech / neon.build. */
export function isNeonHost(host: string): boolean {
  return /^ep-[a-z0-9-]+\./i.test(host) || /\.neon\.(tech|build)$/i.test(host);
}

/** ep-<id>.<rest> → ep-<id>-pooler.<rest>; already pooled hosts stay as they are. */
export function pooledHostFor(host: string): string {
  if (isNeonPooledHost(host)) return host;
  const dot = host.indexOf(".");
  return dot <= 0 ? `${host}-pooler` : `${host.slice(0, dot)}-pooler${host.slice(dot)}`;
}

/** The same URL (credentials, database, parameters) on another host. */
export function withHost(url: string, host: string): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  return parsed.toString();
}

export interface EndpointPlan {
  targets: EndpointTarget[];
  notes: string[];
}

export function planEndpoints(dbUrl: string, pooledUrl?: string): EndpointPlan {
  const db = parseConnectionUrl(dbUrl, "--db");
  if (pooledUrl !== undefined) {
    parseConnectionUrl(pooledUrl, "--pooled");
    return {
      targets: [
        { role: "direct", url: dbUrl, derived: false },
        { role: "pooled", url: pooledUrl, derived: false },
      ],
      notes: [],
    };
  }
  if (!isNeonHost(db.host)) {
    return {
      targets: [{ role: "direct", url: dbUrl, derived: false }],
      notes: [
        `${db.host} is not a Neon host: only --db is checked; pass --pooled URL to check a pooler (PgBouncer) too`,
      ],
    };
  }
  if (isNeonPooledHost(db.host)) {
    return {
      targets: [
        { role: "direct", url: withHost(dbUrl, directHostFor(db.host)), derived: true },
        { role: "pooled", url: dbUrl, derived: false },
      ],
      notes: [],
    };
  }
  return {
    targets: [
      { role: "direct", url: dbUrl, derived: false },
      { role: "pooled", url: withHost(dbUrl, pooledHostFor(db.host)), derived: true },
    ],
    notes: [],
  };
}
