/**
 * The playbook's MITIGATE step as exact commands: maintenance mode is the prod stack's
 * `bloom-dr:maintenance` config, which `pulumi up` turns into the SSM parameter the app reads.
 * Pure: the lines are printed for a person to run, never run here.
 */

/** POSIX single quotes: the text stays one argument whatever it holds. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface MaintenanceToggle {
  stack: string;
  message: string;
  /** ISO-8601 UTC. */
  eta?: string;
}

/** Turning maintenance on: the app serves its maintenance page with this message (and ETA). */
export function maintenanceOnCommands(toggle: MaintenanceToggle): string[] {
  const set = (path: string, value: string) =>
    `pulumi config set --path ${shellQuote(`bloom-dr:maintenance.${path}`)} ${value} -s ${shellQuote(toggle.stack)}`;
  return [
    set("enabled", "true"),
    set("message", shellQuote(toggle.message)),
    ...(toggle.eta ? [set("eta", shellQuote(toggle.eta))] : []),
    `pulumi up -s ${shellQuote(toggle.stack)}`,
  ];
}

/** Turning it off once service is restored (the ETA goes with it). */
export function maintenanceOffCommands(stack: string): string[] {
  return [
    `pulumi config set --path 'bloom-dr:maintenance.enabled' false -s ${shellQuote(stack)}`,
    `pulumi config rm --path 'bloom-dr:maintenance.eta' -s ${shellQuote(stack)}`,
    `pulumi up -s ${shellQuote(stack)}`,
  ];
}
