/**
 * A failed connection attempt as the playbook's SEV-1 symptoms name it (refused, timed out, DNS,
 * wrong password, database missing, too many connections), in one line that names the stage.
 * Pure: the health probe and `bloom-dr diagnose` classify the same errors the same way.
 */
import { redactSecrets } from "../postgres/connectionUrl";
import { CauseKind, FailureCause, StageName } from "./types";

export interface AttemptContext {
  stage: StageName;
  host: string;
  port: number;
  user: string;
  database: string;
  timeoutMs: number;
  /** The URL's sslmode, for the TLS message. */
  sslmode?: string;
  /** Secrets to keep out of the line (the password), on top of any URL's password. */
  secrets?: readonly string[];
}

interface ErrorLike {
  code?: string;
  message?: string;
}

const NET_CODES: Record<string, CauseKind> = {
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NONAME: "dns",
  ECONNREFUSED: "refused",
  ETIMEDOUT: "timeout",
  EHOSTUNREACH: "timeout",
  ENETUNREACH: "timeout",
  ECONNRESET: "reset",
  EPIPE: "reset",
};

const SQLSTATES: Record<string, CauseKind> = {
  "28P01": "wrong-password",
  "28000": "not-allowed",
  "3D000": "database-missing",
  "53300": "too-many-connections",
  "57P03": "starting-up",
};

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0].trim() || "no message";
}

/** Which symptom an error is, from its errno code, its SQLSTATE, or (for pg and PgBouncer) its text. */
export function causeKind(err: unknown, stage: StageName): CauseKind {
  const e = (err ?? {}) as ErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  if (NET_CODES[code]) return NET_CODES[code];
  if (SQLSTATES[code]) return SQLSTATES[code];
  const message = firstLine(e.message);
  if (/too many (clients|connections)|max_client_conn|connection slots are reserved/i.test(message))
    return "too-many-connections";
  if (/does not support SSL|SSL|TLS|certificate|self[- ]signed/i.test(message)) return "tls";
  if (/timeout|timed out/i.test(message)) return "timeout";
  if (/terminated unexpectedly|socket hang up|connection (reset|closed)|ended unexpectedly/i.test(message))
    return "reset";
  if (stage === "dns") return "dns";
  return "query-failed";
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The one-line cause: "<stage>: <what happened>". */
export function describeFailure(err: unknown, ctx: AttemptContext): FailureCause {
  const kind = causeKind(err, ctx.stage);
  const where = `${ctx.host}:${ctx.port}`;
  const e = (err ?? {}) as ErrorLike;
  const detail = firstLine(e.message);
  const label = ctx.stage === "dns" ? "DNS" : ctx.stage === "tls" ? "TLS" : ctx.stage === "tcp" ? "TCP" : ctx.stage;
  let text: string;
  switch (kind) {
    case "dns":
      text = `${ctx.host} does not resolve (${e.code ?? detail})`;
      break;
    case "refused":
      text = `connection refused by ${where} (nothing listens there: the server is down or the port is wrong)`;
      break;
    case "timeout":
      text =
        ctx.stage === "tcp" || ctx.stage === "dns"
          ? `${where} did not answer within ${seconds(ctx.timeoutMs)} (timed out)`
          : `${where} did not finish ${ctx.stage === "select 1" ? "select 1" : "the login"} within ${seconds(ctx.timeoutMs)} (timed out)`;
      break;
    case "reset":
      text = `${where} closed the connection (${e.code ?? detail})`;
      break;
    case "tls":
      text = /does not support SSL|accept TLS/i.test(detail)
        ? `${where} does not accept TLS, but the URL asks for it (sslmode=${ctx.sslmode ?? "require"})`
        : `handshake with ${where} failed: ${detail}`;
      break;
    case "wrong-password":
      text = `password authentication failed for user "${ctx.user}" (wrong password, or no such user)`;
      break;
    case "not-allowed":
      text = `${where} does not let user "${ctx.user}" in from this address: ${detail}`;
      break;
    case "database-missing":
      text = `database "${ctx.database}" does not exist`;
      break;
    case "too-many-connections":
      text = `too many connections: ${detail}`;
      break;
    case "starting-up":
      text = `the server is starting up or shutting down: ${detail}`;
      break;
    case "query-failed":
      text = `${detail}`;
      break;
  }
  return { kind, stage: ctx.stage, line: redactSecrets(`${label}: ${text}`, ctx.secrets ?? []) };
}

/**
 * What the playbook says to do about a failed endpoint (SEV-1 "Database Unavailable", Opción A
 * when the provider is up, Opción B when it is down), in one line.
 */
export function actionFor(kind: CauseKind, otherEndpointOk: boolean | undefined): string {
  if (otherEndpointOk === true && kind !== "wrong-password" && kind !== "database-missing") {
    return "the other endpoint answers: point the app at it for now (playbook SEV-1 Opción A step 2, pooler vs direct), then find out why this one fails";
  }
  switch (kind) {
    case "dns":
    case "refused":
    case "timeout":
    case "reset":
    case "starting-up":
      return "check the provider's status page and Neon's view of the endpoint (the Neon lines of this report); provider down: playbook SEV-1 Opción B (maintenance page, status page, failover if the outage passes 30 min); provider up: Opción A, check the host and port in DATABASE_URL";
    case "tls":
      return "Neon accepts only TLS: keep sslmode=require in DATABASE_URL; look for a proxy or firewall intercepting TLS between the app and Neon";
    case "wrong-password":
      return "playbook SEV-1 Opción A step 1: check the user and password in DATABASE_URL (pulumi stack output -s prod pooledConnectionUri --show-secrets; the app reads the secret appDatabaseUrlSecretArn)";
    case "not-allowed":
      return "check Neon's IP Allow list (Console → Settings → IP Allow) or the server's pg_hba.conf for the app's addresses";
    case "database-missing":
      return "playbook SEV-1 Opción A step 1: check the database name in DATABASE_URL (postgresql://user:pass@ep-xxx.neon.tech:5432/<database>?sslmode=require)";
    case "too-many-connections":
      return "playbook SEV-1 Opción A step 3: the connection limit is reached (Free plan: 100): use the pooled URL, end idle sessions, wait, or raise the plan/compute size; then restart the app's services (step 4)";
    case "query-failed":
      return "the server let bloom-dr in but cannot answer select 1: check the endpoint state in the Neon Console and the provider's status page";
  }
}
