/**
 * One endpoint, stage by stage: name resolution, TCP connect, TLS (when the URL asks for it),
 * authentication and `select 1`, each timed; the first failing stage is named in one line and the
 * stages after it are not attempted. Read-only: nothing is sent but an SSLRequest, a login and
 * `select 1`.
 */
import { promises as dns } from "node:dns";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { Client } from "pg";
import { parseConnectionUrl, redactUrl } from "../postgres/connectionUrl";
import { describeFailure } from "./failureCause";
import { EndpointReport, EndpointRole, StageName, StageResult } from "./types";

export interface EndpointTarget {
  role: EndpointRole;
  url: string;
  derived: boolean;
}

/** The session bloom-dr opened, for reading the sessions afterwards (the caller ends it). */
export interface CheckedEndpoint {
  report: EndpointReport;
  client?: Client;
}

export const DIAGNOSE_APPLICATION = "bloom-dr diagnose";
const STAGES: StageName[] = ["dns", "tcp", "tls", "auth", "select 1"];
/** libpq's SSLRequest: length 8, code 1234.5679. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** Rejects with an ETIMEDOUT-coded error once `ms` pass; the work itself is not cancelled. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out`), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function tlsMode(params: Record<string, string>): string | undefined {
  const mode = params.sslmode?.toLowerCase();
  if (mode && mode !== "disable" && mode !== "allow") return mode;
  if (!mode && /^(true|1|require)$/i.test(params.ssl ?? "")) return "require";
  return undefined;
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" }));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/** Sends an SSLRequest and, when the server says yes, completes a TLS handshake; returns what was seen. */
async function probeTls(
  host: string,
  address: string,
  port: number,
  mode: string,
  params: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  const socket = await openSocket(address, port, timeoutMs);
  try {
    socket.write(SSL_REQUEST);
    const answer = await withTimeout(
      new Promise<string>((resolve, reject) => {
        socket.once("data", (chunk: Buffer) => resolve(String.fromCharCode(chunk[0])));
        socket.once("error", reject);
        socket.once("end", () => reject(Object.assign(new Error("connection closed"), { code: "ECONNRESET" })));
      }),
      timeoutMs,
      "TLS negotiation",
    );
    if (answer !== "S") {
      if (mode === "prefer") return "the server declines TLS (sslmode=prefer: the session continues unencrypted)";
      throw new Error("The server does not support SSL connections");
    }
    const secure = tls.connect({
      socket,
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ca: params.sslrootcert ? readFileSync(params.sslrootcert) : undefined,
    });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          secure.once("secureConnect", resolve);
          secure.once("error", reject);
        }),
        timeoutMs,
        "TLS handshake",
      );
      const verified = secure.authorized;
      if (!verified && mode === "verify-full")
        throw new Error(`certificate not trusted (${String(secure.authorizationError)}) and sslmode=verify-full`);
      return `${secure.getProtocol() ?? "TLS"}, certificate ${verified ? "verified" : `not verified (${String(secure.authorizationError)})`}`;
    } finally {
      secure.destroy();
    }
  } finally {
    socket.destroy();
  }
}

/** Runs the stages against one endpoint; stops at the first failure. */
export async function checkEndpoint(target: EndpointTarget, timeoutMs: number): Promise<CheckedEndpoint> {
  const parts = parseConnectionUrl(target.url, `the ${target.role} URL`);
  const mode = tlsMode(parts.params);
  const stages: StageResult[] = [];
  const report: EndpointReport = {
    role: target.role,
    url: redactUrl(target.url),
    host: parts.host,
    port: parts.port,
    derived: target.derived,
    stages,
    ok: false,
  };
  const context = (stage: StageName) => ({
    stage,
    host: parts.host,
    port: parts.port,
    user: parts.user,
    database: parts.database,
    timeoutMs,
    sslmode: mode,
    secrets: [parts.password],
  });
  let address = parts.host;
  let client: Client | undefined;

  const run = async (stage: StageName, work: () => Promise<{ detail: string; skipped?: boolean }>) => {
    const started = performance.now();
    try {
      const { detail, skipped } = await work();
      stages.push({ stage, status: skipped ? "skipped" : "ok", ms: Math.round(performance.now() - started), detail });
      return true;
    } catch (err) {
      const cause = describeFailure(err, context(stage));
      stages.push({ stage, status: "failed", ms: Math.round(performance.now() - started), detail: cause.line });
      report.cause = cause;
      return false;
    }
  };

  const steps: Record<StageName, () => Promise<{ detail: string; skipped?: boolean }>> = {
    dns: async () => {
      if (net.isIP(parts.host)) return { detail: "a literal address: nothing to resolve", skipped: true };
      const found = await withTimeout(dns.lookup(parts.host, { all: true }), timeoutMs, "DNS lookup");
      address = found[0].address;
      return { detail: `${found.length} address${found.length === 1 ? "" : "es"} (${address})` };
    },
    tcp: async () => {
      (await openSocket(address, parts.port, timeoutMs)).destroy();
      return { detail: `connected to ${net.isIPv6(address) ? `[${address}]` : address}:${parts.port}` };
    },
    tls: async () => {
      if (!mode) return { detail: "the URL does not ask for TLS (no sslmode)", skipped: true };
      return { detail: await probeTls(parts.host, address, parts.port, mode, parts.params, timeoutMs) };
    },
    auth: async () => {
      const candidate = new Client({
        connectionString: target.url,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
        application_name: DIAGNOSE_APPLICATION,
      });
      candidate.on("error", () => undefined);
      try {
        await candidate.connect();
      } catch (err) {
        await candidate.end().catch(() => undefined);
        throw err;
      }
      client = candidate;
      return { detail: `as ${parts.user || "(the default user)"} to database ${parts.database}` };
    },
    "select 1": async () => {
      await client!.query("select 1");
      return { detail: "answered" };
    },
  };

  for (const stage of STAGES) {
    if (report.cause) {
      stages.push({ stage, status: "skipped", ms: 0, detail: "not reached" });
      continue;
    }
    await run(stage, steps[stage]);
  }
  report.ok = !report.cause;
  if (!report.ok && client) {
    await (client as Client).end().catch(() => undefined);
    client = undefined;
  }
  return { report, client };
}
