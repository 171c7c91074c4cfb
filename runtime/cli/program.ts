/**
 * The commander program built from the declarative command specs (./command.ts): one commander
 * command per spec, a two-word name ("pitr recover") as a subcommand of its group ("pitr").
 * Commander parses, dispatches and renders help; the specs keep saying what exists. Every parse
 * problem becomes a CommandLineError naming where it happened, which main.ts prints as one line
 * (exit 2).
 */
import { Command, CommanderError, Help, Option } from "commander";
import { CliCommand, CommandContext, OptionSpec, UsageError } from "./command";

export const PROGRAM = "bloom-dr";

/** Runs a command once its options and positionals are parsed and checked. */
export type RunCommand = (
  command: CliCommand,
  values: CommandContext["values"],
  positionals: string[],
) => Promise<void>;

/** A usage error found on the command line; `scope` is the command or group it belongs to ("" for the program). */
export class CommandLineError extends UsageError {
  constructor(
    message: string,
    readonly scope: string,
  ) {
    super(message);
  }
}

const PROGRAM_DESCRIPTION = "backups, verified restores, point-in-time row recovery and drills for PostgreSQL (Neon)";
const PROGRAM_FOOTER = `
"${PROGRAM} <command> --help" shows a command's options, "${PROGRAM} <group> --help" a group's subcommands.

Exit status: 0 when the operation and its own checks fully succeeded; 1 when it failed or a
check found a problem; 2 for a usage error. Errors are one line on stderr.`;

/** "--db URL --store STORE [--label TEXT] [--json]": what follows the command's name in its usage line. */
function usageArguments(command: CliCommand): string {
  const parts: string[] = [];
  const positionals = command.positionals ?? [];
  for (const p of positionals.filter((p) => !p.afterDashes)) parts.push(p.optional ? `[${p.name}]` : p.name);
  for (const [name, spec] of Object.entries(command.options)) {
    parts.push(spec.required ? optionTerm(name, spec) : `[${optionTerm(name, spec)}]`);
  }
  parts.push("[--json]");
  for (const p of positionals.filter((p) => p.afterDashes)) parts.push(`-- ${p.name}${p.rest ? "..." : ""}`);
  return parts.join(" ");
}

export function usageLine(command: CliCommand): string {
  return `${PROGRAM} ${command.name} ${usageArguments(command)}`;
}

function optionTerm(name: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}`;
  return spec.type === "string" ? `${flag} ${spec.value ?? "VALUE"}` : flag;
}

/** Shared by every level: our help wording, commander's own error printing off (main.ts prints one line). */
function configure(command: Command, scope: string): Command {
  return command
    .helpOption("-h, --help", "show this help")
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : commandLineError(err, command, scope);
    });
}

const unknownCommand = (word: string) => `unknown command "${word}": run "${PROGRAM} --help" for the list`;

function subcommandChoices(group: Command): string {
  return `one of ${group.commands.map((c) => c.name()).join(", ")}`;
}

/** Commander's errors in our words: what is wrong and where to look. */
function commandLineError(err: CommanderError, command: Command, scope: string): CommandLineError {
  const seeHelp = `see "${[PROGRAM, scope].filter(Boolean).join(" ")} --help"`;
  switch (err.code) {
    case "commander.unknownOption": {
      const [, flag, suggestion] = /unknown option '([^']*)'(?:\s*\(Did you mean (\S+)\?\))?/.exec(err.message) ?? [];
      if (scope === "") {
        return new CommandLineError(
          `"${flag}" is not a command (options go after the command): run "${PROGRAM} --help" for the list`,
          scope,
        );
      }
      const hint = suggestion ? ` (did you mean ${suggestion}?)` : "";
      return new CommandLineError(`Unknown option '${flag}'${hint}: ${seeHelp}`, scope);
    }
    case "commander.unknownCommand":
      return new CommandLineError(unknownCommand(/unknown command '([^']*)'/.exec(err.message)?.[1] ?? ""), scope);
    case "commander.optionMissingArgument": {
      const flag = /option '(?:-\w, )?(--[^ ']+)/.exec(err.message)?.[1];
      return new CommandLineError(`${flag} needs a value: ${seeHelp}`, scope);
    }
    case "commander.help": {
      // `help WORD` for a WORD that names nothing
      const word = command.args[1] ?? command.args[0] ?? "";
      return new CommandLineError(
        scope === "" ? unknownCommand(word) : `unknown subcommand "${word}": ${subcommandChoices(command)}`,
        scope,
      );
    }
    default:
      return new CommandLineError(`${err.message.replace(/^error: /, "")}: ${seeHelp}`, scope);
  }
}

/**
 * One command's options as commander options; `terms` keeps the placeholder text help shows
 * ("--db URL"). Boolean options record which flags were given in `given`: commander pairs
 * `--x` with `--no-x` into one attribute, but a command that declares both (`--notify`,
 * `--no-notify`) must see each as given, to refuse both at once.
 */
function addOptions(
  command: Command,
  spec: CliCommand,
  terms: WeakMap<Option, string>,
  given: Set<string>,
): Map<string, Option> {
  const flags = new Set(["-h", "--help", "--json"]);
  for (const [name, option] of Object.entries(spec.options)) {
    flags.add(`--${name}`);
    if (option.short) flags.add(`-${option.short}`);
  }
  const byName = new Map<string, Option>();
  for (const [name, optionSpec] of Object.entries(spec.options)) {
    const short = optionSpec.short ? `-${optionSpec.short}, ` : "";
    const option = new Option(
      `${short}--${name}${optionSpec.type === "string" ? " <value>" : ""}`,
      optionSpec.description,
    );
    if (optionSpec.default !== undefined) option.default(optionSpec.default, String(optionSpec.default));
    if (optionSpec.type === "string") {
      // a value is taken as given, a negative number too (the command checks it); an option of this
      // command in its place means the value was forgotten
      option.argParser((value: string, previous: unknown) => {
        if (flags.has(value)) {
          throw new CommandLineError(`--${name} needs a value, not ${value}: usage: ${usageLine(spec)}`, spec.name);
        }
        return optionSpec.multiple ? [...(Array.isArray(previous) ? previous : []), value] : value;
      });
    }
    terms.set(option, optionTerm(name, optionSpec));
    command.addOption(option);
    if (optionSpec.type === "boolean") command.on(`option:${option.name()}`, () => given.add(name));
    byName.set(name, option);
  }
  command.addOption(new Option("--json", "print the result as one JSON object on stdout"));
  return byName;
}

function leafCommand(spec: CliCommand, word: string, run: RunCommand, terms: WeakMap<Option, string>): Command {
  const command = configure(new Command(word), spec.name)
    .description(spec.summary)
    .usage(usageArguments(spec))
    // positionals are counted below, with the usage line in the message
    .allowExcessArguments(true)
    .configureHelp({ optionTerm: (option) => terms.get(option) ?? option.flags });
  for (const p of spec.positionals ?? []) command.argument(`[${p.name}${p.rest ? "..." : ""}]`, p.description);
  const given = new Set<string>();
  const options = addOptions(command, spec, terms, given);
  if (spec.details) command.addHelpText("after", `\n${spec.details.trim()}`);
  command.action(async () => {
    const parsed = command.opts();
    const values: CommandContext["values"] = {};
    for (const [name, option] of options) {
      const isFlag = spec.options[name].type === "boolean";
      values[name] = isFlag ? (given.has(name) ? true : spec.options[name].default) : parsed[option.attributeName()];
    }
    values.json = parsed.json;
    for (const [name, option] of Object.entries(spec.options)) {
      if (option.required && values[name] === undefined) {
        throw new CommandLineError(
          `--${name} is required: ${option.description} (usage: ${usageLine(spec)})`,
          spec.name,
        );
      }
    }
    const positionals = command.args;
    const declared = spec.positionals ?? [];
    const required = declared.filter((p) => !p.optional).length;
    if (positionals.length < required) {
      throw new CommandLineError(`missing ${declared[positionals.length].name}: usage: ${usageLine(spec)}`, spec.name);
    }
    if (positionals.length > declared.length && !declared[declared.length - 1]?.rest) {
      throw new CommandLineError(
        `unexpected argument "${positionals[declared.length]}": usage: ${usageLine(spec)}`,
        spec.name,
      );
    }
    await run(spec, values, positionals);
  });
  return command;
}

/** "pitr": its help lists the members' usage lines; without a known subcommand it is a usage error. */
function groupCommand(word: string, members: readonly CliCommand[]): Command {
  const command = configure(new Command(word), word)
    .description(`${members.length} subcommands; "${PROGRAM} ${word} <subcommand> --help" for one's options`)
    .usage("<subcommand> [options]")
    .enablePositionalOptions()
    // commander leaves out the help subcommand of a command with an action: `pitr help recover` works too
    .helpCommand("help [subcommand]", "show a subcommand's help")
    .allowUnknownOption()
    .allowExcessArguments(true)
    .configureHelp({ visibleCommands: () => [] })
    .addHelpText(
      "after",
      ["", "Subcommands:", ...members.flatMap((c) => [`  ${usageLine(c)}`, `      ${c.summary}`])].join("\n"),
    );
  command.action(() => {
    const [next] = command.args;
    throw new CommandLineError(
      next === undefined || next.startsWith("-")
        ? `missing subcommand: ${subcommandChoices(command)}`
        : `unknown subcommand "${next}": ${subcommandChoices(command)}`,
      word,
    );
  });
  return command;
}

/** The program: `run` is called with the command the arguments name, once they parse. */
export function buildProgram(commands: readonly CliCommand[], run: RunCommand): Command {
  const program = configure(new Command(PROGRAM), "")
    .description(PROGRAM_DESCRIPTION)
    .usage("<command> [options]")
    .enablePositionalOptions()
    .helpCommand("help [command]", "show a command's help")
    // the listing below names "pitr recover", not "recover": commander's suggestions would not
    .showSuggestionAfterError(false)
    .configureHelp({
      // every runnable command, a group's members in its place
      visibleCommands: (cmd) =>
        new Help().visibleCommands(cmd).flatMap((c) => (c.commands.length > 0 ? c.commands : [c])),
      subcommandTerm: (cmd) =>
        cmd.parent?.parent ? `${cmd.parent.name()} ${cmd.name()}` : cmd.parent ? cmd.name() : "help [command]",
    })
    .addHelpText("after", PROGRAM_FOOTER);
  const terms = new WeakMap<Option, string>();
  const groups = new Map<string, Command>();
  for (const spec of commands) {
    const [first, second] = spec.name.split(" ");
    if (second === undefined) {
      program.addCommand(leafCommand(spec, first, run, terms));
      continue;
    }
    let group = groups.get(first);
    if (!group) {
      group = groupCommand(
        first,
        commands.filter((c) => c.name.startsWith(`${first} `)),
      );
      groups.set(first, group);
      program.addCommand(group);
    }
    group.addCommand(leafCommand(spec, second, run, terms));
  }
  return program;
}
