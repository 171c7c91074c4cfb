import { parseArgs, ParseArgsConfig } from "node:util";
import { redactSecrets } from "../lib/postgres/connectionUrl";
import { CliCommand, UsageError } from "./command";
import { COMMANDS } from "./commands";
import { streamIO } from "./io";

const PROGRAM = "bloom-dr";

/** Finds the command named by the first one or two words of argv (longest match wins); flags are never words. */
export function findCommand(
  argv: readonly string[],
  commands: readonly CliCommand[] = COMMANDS,
): { command: CliCommand; rest: string[] } | undefined {
  if (argv.length === 0 || argv[0].startsWith("-")) return undefined;
  if (argv.length > 1 && !argv[1].startsWith("-")) {
    const byTwo = commands.find((c) => c.name === `${argv[0]} ${argv[1]}`);
    if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  }
  const byOne = commands.find((c) => c.name === argv[0]);
  if (byOne) return { command: byOne, rest: argv.slice(1) };
  return undefined;
}

/** The two-word commands whose first word is `group` ("pitr" → pitr recover, pitr export, …). */
export function groupCommands(group: string, commands: readonly CliCommand[] = COMMANDS): CliCommand[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

/**
 * `--keep-days -1` → `--keep-days=-1` for the command's string options: parseArgs would call the
 * value ambiguous (it looks like an option), and the command's own check says what is allowed.
 */
export function normalizeNegativeValues(args: readonly string[], options: CliCommand["options"]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return [...out, ...args.slice(i)];
    const next = args[i + 1];
    if (arg.startsWith("--") && options[arg.slice(2)]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
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

export function groupHelp(group: string, members: readonly CliCommand[]): string {
  return [
    `${PROGRAM} ${group}: ${members.length} subcommands; "${PROGRAM} ${group} <subcommand> --help" for one's options`,
    "",
    ...members.flatMap((c) => [`  ${usageLine(c)}`, `      ${c.summary}`]),
  ].join("\n");
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
  if (!found) return notACommand(argv, commands);
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
      options[name] = {
        type: spec.type,
        ...(spec.multiple ? { multiple: true } : {}),
        ...(spec.short ? { short: spec.short } : {}),
      };
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: normalizeNegativeValues(rest, command.options),
        options,
        allowPositionals: true,
        strict: true,
      });
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
    const declared = command.positionals ?? [];
    const required = declared.filter((p) => !p.optional).length;
    if (parsed.positionals.length < required) {
      throw new UsageError(`missing ${declared[parsed.positionals.length].name}: usage: ${usageLine(command)}`);
    }
    if (parsed.positionals.length > declared.length && !declared[declared.length - 1]?.rest) {
      throw new UsageError(
        `unexpected argument "${parsed.positionals[declared.length]}": usage: ${usageLine(command)}`,
      );
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

/** argv names no command: a group's help or its missing subcommand, else an unknown command (exit 2). */
function notACommand(argv: readonly string[], commands: readonly CliCommand[]): number {
  const [first, second] = argv;
  const members = groupCommands(first, commands);
  const json = argv.includes("--json");
  // a group's errors are its own ("bloom-dr pitr: …"), an unknown word's are the program's
  const fail = (message: string): number => {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, command: first, error: message })}\n`);
    process.stderr.write(`${members.length > 0 ? `${PROGRAM} ${first}` : PROGRAM}: ${message}\n`);
    return 2;
  };
  if (members.length === 0) {
    return first.startsWith("-")
      ? fail(`"${first}" is not a command (options go after the command): run "${PROGRAM} --help" for the list`)
      : fail(`unknown command "${first}": run "${PROGRAM} --help" for the list`);
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${groupHelp(first, members)}\n`);
    return 0;
  }
  const choices = `one of ${members.map((c) => c.name.slice(first.length + 1)).join(", ")}`;
  return second === undefined || second.startsWith("-")
    ? fail(`missing subcommand: ${choices}`)
    : fail(`unknown subcommand "${second}": ${choices}`);
}
