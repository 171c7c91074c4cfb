import { parseArgs, ParseArgsConfig } from "node:util";
import { redactSecrets } from "../lib/postgres/connectionUrl";
import { CliCommand, UsageError } from "./command";
import { COMMANDS } from "./commands";
import { streamIO } from "./io";

const PROGRAM = "bloom-dr";

/** Finds the command named by the first one or two words of argv (longest match wins). */
export function findCommand(argv: readonly string[], commands: readonly CliCommand[] = COMMANDS): { command: CliCommand; rest: string[] } | undefined {
  const twoWords = argv.slice(0, 2).join(" ");
  const byTwo = commands.find((c) => c.name === twoWords);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((c) => c.name === argv[0]);
  if (byOne) return { command: byOne, rest: argv.slice(1) };
  return undefined;
}

export function usageLine(command: CliCommand): string {
  const parts = [PROGRAM, command.name];
  for (const p of command.positionals ?? []) parts.push(p.optional ? `[${p.name}]` : p.name);
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = spec.type === "string" ? `--${name} ${spec.value ?? "VALUE"}` : `--${name}`;
    parts.push(spec.required ? flag : `[${flag}]`);
  }
  parts.push("[--json]");
  return parts.join(" ");
}

export function commandHelp(command: CliCommand): string {
  const lines = [`${command.summary}`, "", `Usage: ${usageLine(command)}`, ""];
  const rows: [string, string][] = [];
  for (const p of command.positionals ?? []) rows.push([p.name, p.description]);
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = spec.type === "string" ? `--${name} ${spec.value ?? "VALUE"}` : `--${name}`;
    const dflt = spec.default !== undefined ? ` (default: ${spec.default})` : "";
    rows.push([flag, `${spec.description}${dflt}`]);
  }
  rows.push(["--json", "print the result as one JSON object on stdout"]);
  rows.push(["--help", "show this help"]);
  const width = Math.max(...rows.map((r) => r[0].length));
  lines.push("Options:", ...rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`));
  if (command.details) lines.push("", command.details.trim());
  return lines.join("\n");
}

export function programHelp(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    `${PROGRAM}: backups, verified restores, point-in-time row recovery and drills for PostgreSQL (Neon)`,
    "",
    `Usage: ${PROGRAM} <command> [options]     ${PROGRAM} <command> --help for its options`,
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Exit status: 0 when the operation and its own checks fully succeeded; 1 when it failed or a",
    "check found a problem; 2 for a usage error. Errors are one line on stderr.",
  ].join("\n");
}

/** Runs the CLI; returns the exit code (the bin script sets process.exitCode from it). */
export async function main(argv: readonly string[], commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    process.stdout.write(`${programHelp(commands)}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv, commands);
  if (!found) {
    process.stderr.write(`${PROGRAM}: unknown command "${argv.slice(0, 2).join(" ")}": run "${PROGRAM} --help" for the list\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const json = rest.includes("--json");
  const io = streamIO(json);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    io.info(`${PROGRAM} ${command.name}: ${signal} received, cleaning up`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const options: ParseArgsConfig["options"] = { json: { type: "boolean" } };
    for (const [name, spec] of Object.entries(command.options)) {
      // parseArgs validates `short` and `multiple` whenever the keys exist, even when undefined
      options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
    }
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (err) {
      // keep node's first sentence ("Unknown option '--x'"), drop its advice about positionals
      const reason = (err as Error).message.split("\n")[0].split(". To specify")[0];
      throw new UsageError(`${reason}: see "${PROGRAM} ${command.name} --help"`);
    }
    const values = { ...(parsed.values as Record<string, string | boolean | string[] | undefined>) };
    for (const [name, spec] of Object.entries(command.options)) {
      if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
      if (spec.required && values[name] === undefined) {
        throw new UsageError(`--${name} is required: ${spec.description} (usage: ${usageLine(command)})`);
      }
    }
    const required = (command.positionals ?? []).filter((p) => !p.optional).length;
    if (parsed.positionals.length < required) {
      throw new UsageError(`missing ${command.positionals![parsed.positionals.length].name}: usage: ${usageLine(command)}`);
    }
    return await command.run({ values, positionals: parsed.positionals, io, signal: controller.signal });
  } catch (err) {
    const message = redactSecrets(err instanceof Error ? err.message : String(err));
    const code = err instanceof UsageError ? err.exitCode : 1;
    if (json) io.result({ ok: false, command: command.name, error: message }, "");
    process.stderr.write(`${PROGRAM} ${command.name}: ${message}\n`);
    return code;
  } finally {
    io.finish();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
