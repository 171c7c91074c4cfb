/**
 * `bloom-dr`: parses the arguments with the commander program built from the command specs
 * (./program.ts), runs the command they name, and keeps the CLI's promises: exit 0/1/2, errors as
 * one line on stderr without passwords, exactly one JSON object on stdout with --json (also on
 * failure), and SIGINT/SIGTERM turned into the command's AbortSignal.
 */
import { CommanderError } from "commander";
import { redactSecrets } from "../lib/postgres/connectionUrl";
import { CliCommand, CommandContext, UsageError } from "./command";
import { COMMANDS } from "./commands";
import { streamIO } from "./io";
import { buildProgram, CommandLineError, PROGRAM } from "./program";

/** Runs the CLI; returns the exit code (the bin script sets process.exitCode from it). */
export async function main(argv: readonly string[], commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(commands, async (command, values, positionals) => {
    exitCode = await runCommand(command, values, positionals);
  });
  if (argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    // help was shown (exit 0); every other commander error arrives as a CommandLineError
    if (err instanceof CommanderError) return err.exitCode;
    if (!(err instanceof CommandLineError)) throw err;
    const message = redactSecrets(err.message);
    // a command's or a group's errors are its own ("bloom-dr pitr: …"), the rest the program's
    if (jsonRequested(argv)) {
      process.stdout.write(`${JSON.stringify({ ok: false, command: err.scope || argv[0], error: message })}\n`);
    }
    process.stderr.write(`${[PROGRAM, err.scope].filter(Boolean).join(" ")}: ${message}\n`);
    return err.exitCode;
  }
}

/** --json before any `--` (after it, words are positionals). */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

async function runCommand(
  command: CliCommand,
  values: CommandContext["values"],
  positionals: string[],
): Promise<number> {
  const json = values.json === true;
  const io = streamIO(json);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    io.info(`${PROGRAM} ${command.name}: ${signal} received, cleaning up`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await command.run({ values, positionals, io, signal: controller.signal });
  } catch (err) {
    const message = redactSecrets(err instanceof Error ? err.message : String(err));
    if (json) io.result({ ok: false, command: command.name, error: message }, "");
    process.stderr.write(`${PROGRAM} ${command.name}: ${message}\n`);
    return err instanceof UsageError ? err.exitCode : 1;
  } finally {
    io.finish();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
