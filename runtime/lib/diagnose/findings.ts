/**
 * Pure rules of `bloom-dr diagnose`: which observations need action, each as one exact line with
 * the playbook's action and, for sessions, the SQL a person reviews (diagnose runs none of it).
 */
import { actionFor } from "./failureCause";
import { rootBlockers } from "./sessions";
import {
  BlockingLink,
  DiagnoseThresholds,
  EndpointReport,
  Finding,
  NeonReport,
  Session,
  SessionsReport,
} from "./types";

const who = (s: Session) => `user ${s.user || "(hidden)"}, application "${s.application}"`;

export function endpointFindings(endpoints: readonly EndpointReport[]): Finding[] {
  return endpoints.flatMap((e) => {
    if (!e.cause) return [];
    const others = endpoints.filter((o) => o !== e);
    const otherOk = others.length === 0 ? undefined : others.some((o) => o.ok);
    return [
      {
        check: "endpoint" as const,
        line: `${e.role} endpoint: ${e.cause.line}`,
        action: actionFor(e.cause.kind, otherOk),
      },
    ];
  });
}

export function connectionsFinding(sessions: SessionsReport, th: DiagnoseThresholds): Finding | undefined {
  const u = sessions.usage;
  if (u.percent < th.connectionUsagePercent) return undefined;
  return {
    check: "connections",
    line: `connections: ${u.total} of ${u.usable} usable in use (${u.percent}%), at or above ${th.connectionUsagePercent}%`,
    action:
      "playbook SEV-1 Opción A step 3: near the connection limit (Free plan: 100): point the app at the pooled URL, end idle sessions (below), or raise the plan/compute size",
  };
}

/** The session at the head of the chain `pid` waits in (itself when it waits for nobody). */
function chainRoot(pid: number, links: readonly BlockingLink[], seen = new Set<number>()): number {
  const up = links.find((l) => l.blocked.pid === pid);
  if (!up || seen.has(pid)) return pid;
  seen.add(pid);
  return chainRoot(up.blocker.pid, links, seen);
}

export function blockingFindings(links: readonly BlockingLink[]): Finding[] {
  const roots = new Set(rootBlockers(links).map((s) => s.pid));
  return links.map((l) => {
    const root = chainRoot(l.blocker.pid, links);
    const blocker = l.blocker;
    const holding =
      blocker.state === "active"
        ? `running since ${blocker.queryStart ?? "?"}`
        : `${blocker.state || "state hidden"} since ${blocker.stateChange ?? "?"}`;
    return {
      check: "blocking" as const,
      line: `pid ${l.blocked.pid} (${who(l.blocked)}, waiting since ${l.blocked.queryStart ?? "?"}) is blocked by pid ${blocker.pid} (${who(blocker)}, ${holding}, transaction started ${blocker.xactStart ?? "?"})`,
      action: roots.has(blocker.pid)
        ? `pid ${blocker.pid} heads the chain: ask its owner to commit or roll back, or end it (its transaction rolls back)`
        : `pid ${blocker.pid} is itself waiting: end the head of the chain, pid ${root}`,
      sql: `SELECT pg_terminate_backend(${root});`,
    };
  });
}

export function idleInTransactionFindings(sessions: readonly Session[], blockers: ReadonlySet<number>): Finding[] {
  // a session already named as the head of a blocking chain is not repeated here
  return sessions
    .filter((s) => !blockers.has(s.pid))
    .map((s) => ({
      check: "idle-in-transaction" as const,
      line: `pid ${s.pid} (${who(s)}) has been ${s.state} since ${s.stateChange ?? "?"}`,
      action:
        "it holds its locks and a connection: ask its owner to commit or roll back, or end it (its transaction rolls back); set idle_in_transaction_session_timeout to stop it recurring",
      sql: `SELECT pg_terminate_backend(${s.pid});`,
    }));
}

export function longRunningFindings(sessions: readonly Session[], blocked: ReadonlySet<number>): Finding[] {
  return sessions
    .filter((s) => !blocked.has(s.pid))
    .map((s) => ({
      check: "long-running" as const,
      line: `pid ${s.pid} (${who(s)}) has been running one statement since ${s.queryStart ?? "?"}: ${s.query}`,
      action: "cancel the statement if it is not expected (the session stays), or end the session",
      sql: `SELECT pg_cancel_backend(${s.pid});  -- or pg_terminate_backend(${s.pid}) to end the session`,
    }));
}

export function neonFindings(neon: NeonReport): Finding[] {
  const out: Finding[] = [];
  const endpoint = neon.endpoint;
  if (endpoint?.disabled)
    out.push({
      check: "neon-endpoint",
      line: `Neon endpoint ${endpoint.id} is disabled: it refuses every connection`,
      action: "enable it (Console → Branches → the compute → Edit), or contact Neon Support (support@neon.tech)",
    });
  else if (endpoint && endpoint.state === "init")
    out.push({
      check: "neon-endpoint",
      line: `Neon endpoint ${endpoint.id} is starting (state init${endpoint.pendingState ? `, pending ${endpoint.pendingState}` : ""})`,
      action: "wait a minute and run diagnose again; if it stays in init, contact Neon Support",
    });
  for (const op of neon.operations ?? []) {
    const failed = op.status === "failed" || op.status === "error";
    out.push({
      check: "neon-operation",
      line: failed
        ? `Neon operation ${op.action} ${op.id} ${op.status} (created ${op.createdAt})${op.error ? `: ${op.error}` : ""}`
        : `Neon operation ${op.action} ${op.id} is ${op.status} (created ${op.createdAt})`,
      action: failed
        ? "a failed operation can leave the compute down: retry it from the Console or contact Neon Support (support@neon.tech)"
        : "Neon is changing the project (a restart, a resize, a restore): wait for it to finish (Console → Project → Operations)",
    });
  }
  return out;
}

export function allFindings(
  endpoints: readonly EndpointReport[],
  sessions: SessionsReport | undefined,
  neon: NeonReport,
  th: DiagnoseThresholds,
): Finding[] {
  const findings = endpointFindings(endpoints);
  if (sessions) {
    const connections = connectionsFinding(sessions, th);
    if (connections) findings.push(connections);
    findings.push(...blockingFindings(sessions.blocking));
    const blockerPids = new Set(sessions.blocking.map((l) => l.blocker.pid));
    const blockedPids = new Set(sessions.blocking.map((l) => l.blocked.pid));
    findings.push(...idleInTransactionFindings(sessions.idleInTransaction, blockerPids));
    findings.push(...longRunningFindings(sessions.longRunning, blockedPids));
  }
  findings.push(...neonFindings(neon));
  return findings;
}
