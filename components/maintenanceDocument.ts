/**
 * Maintenance mode as data: the SSM parameter's name and its JSON value, which the app reads to
 * decide whether to serve the maintenance page. Pure; the README shows the app side.
 */

export interface MaintenanceState {
  readonly enabled: boolean;
  readonly message: string;
  /** When service is expected back, ISO-8601 UTC; absent when unknown. */
  readonly eta?: string;
}

/** SSM Standard parameters hold up to 4 KB; the message is capped well below. */
export const MAX_MAINTENANCE_MESSAGE = 1000;

/** "/bloom-dr/<stack>/maintenance": one parameter per stack, under a path an IAM policy can scope. */
export function maintenanceParameterName(stackName: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(stackName))
    throw new Error(`stack name "${stackName}" cannot be part of an SSM parameter name (letters, digits, _ . - only)`);
  return `/bloom-dr/${stackName}/maintenance`;
}

/** The parameter's value: {"enabled":…,"message":…,"eta":… or null}, keys always present. */
export function maintenanceValue(state: MaintenanceState): string {
  if (!state.message.trim()) throw new Error("maintenance message is empty: say what users should read");
  if (state.message.length > MAX_MAINTENANCE_MESSAGE)
    throw new Error(`maintenance message is ${state.message.length} characters; at most ${MAX_MAINTENANCE_MESSAGE}`);
  if (state.eta !== undefined && Number.isNaN(Date.parse(state.eta)))
    throw new Error(`maintenance eta "${state.eta}" is not a date; use ISO-8601 UTC like 2026-03-10T14:00:00Z`);
  return JSON.stringify({ enabled: state.enabled, message: state.message, eta: state.eta ?? null });
}
