/**
 * The command line as the commander program built from the specs reads it: command lookup (one or
 * two words, flags never part of the name), command groups, options, stray positionals and
 * negative option values. In-process against fake commands, then a few runs of the real
 * `bin/bloom-dr.js`.
 */
import os from "node:os";
import path from "node:path";
import { CliCommand, CommandContext } from "../../../runtime/cli/command";
import { main } from "../../../runtime/cli/main";
import { cli, lines } from "./runCli";

const calls: { name: string; ctx: CommandContext }[] = [];

function fake(name: string, extra: Partial<CliCommand> = {}): CliCommand {
  return {
    name,
    summary: `${name} things`,
    options: {
      "keep-days": { type: "string", value: "D", description: "days" },
      verbose: { type: "boolean", description: "more" },
    },
    ...extra,
    async run(ctx) {
      calls.push({ name, ctx });
      return 0;
    },
  };
}

const COMMANDS: CliCommand[] = [
  fake("backup"),
  fake("drill", { positionals: [{ name: "all|pitr", description: "which", optional: true }] }),
  fake("pitr recover"),
  fake("pitr export"),
  fake("pitr import"),
  fake("incident note", { positionals: [{ name: "TEXT", description: "what happened", rest: true }] }),
];

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...argv: string[]): Promise<Captured> {
  return runWith(COMMANDS, argv);
}

async function runWith(commands: CliCommand[], argv: string[]): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const out = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true));
  const err = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true));
  try {
    const code = await main(argv, commands);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeEach(() => {
  calls.length = 0;
});

describe("dispatch", () => {
  test.each<[string[], string, Record<string, unknown>, string[]]>([
    [["backup", "--verbose"], "backup", { verbose: true }, []],
    [["pitr", "recover", "--verbose"], "pitr recover", { verbose: true }, []],
    [["drill", "pitr"], "drill", {}, ["pitr"]],
    [["backup", "--keep-days", "3"], "backup", { "keep-days": "3" }, []],
    [["backup", "--keep-days=3", "--json"], "backup", { "keep-days": "3", json: true }, []],
    [["incident", "note", "--verbose", "branch", "created"], "incident note", { verbose: true }, ["branch", "created"]],
  ])("%j runs %s with its values and positionals", async (argv, name, values, positionals) => {
    expect((await run(...argv)).code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0].name).toBe(name);
    expect(Object.fromEntries(Object.entries(calls[0].ctx.values).filter(([, v]) => v !== undefined))).toEqual(values);
    expect(calls[0].ctx.positionals).toEqual(positionals);
  });

  test("the exit code is the command's own", async () => {
    const failing: CliCommand = { ...fake("verify"), run: async () => 1 };
    expect((await runWith([failing], ["verify"])).code).toBe(1);
  });

  test.each(["--help", "-h", "help"])("bloom-dr %s lists every command by its full name, exit 0", async (flag) => {
    const r = await run(flag);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name} +${c.summary}$`, "m"));
    expect(r.stdout).toContain("Exit status: 0");
  });

  test("bloom-dr without a command: the program help, exit 2", async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage: bloom-dr <command>/);
  });

  test.each([[["backup", "--help"]], [["help", "backup"]], [["backup", "-h", "--keep-days", "3"]]])(
    "%j: the command's help with its usage line, nothing runs, exit 0",
    async (argv) => {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage: bloom-dr backup [--keep-days D] [--verbose] [--json]\n");
      expect(r.stdout).toMatch(/^ {2}--keep-days D +days$/m);
      expect(calls).toEqual([]);
    },
  );
});

describe("options", () => {
  test.each<[string[], string]>([
    [["backup", "--bogus"], `Unknown option '--bogus': see "bloom-dr backup --help"`],
    [["backup", "--verbos"], `Unknown option '--verbos' (did you mean --verbose?): see "bloom-dr backup --help"`],
    [["backup", "--keep-days"], `--keep-days needs a value: see "bloom-dr backup --help"`],
    [
      ["backup", "--keep-days", "--verbose"],
      "--keep-days needs a value, not --verbose: usage: bloom-dr backup [--keep-days D] [--verbose] [--json]",
    ],
    [
      ["backup", "--keep-days", "-h"],
      "--keep-days needs a value, not -h: usage: bloom-dr backup [--keep-days D] [--verbose] [--json]",
    ],
  ])("%j: exit 2, one line, nothing runs", async (argv, message) => {
    const r = await run(...argv);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `bloom-dr backup: ${message}\n` });
    expect(calls).toEqual([]);
  });

  test("a required option that is missing names itself and the usage", async () => {
    const strict = fake("restore", {
      options: { target: { type: "string", value: "URL", required: true, description: "where to" } },
    });
    const r = await runWith([strict], ["restore"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "bloom-dr restore: --target is required: where to (usage: bloom-dr restore --target URL [--json])\n",
    );
    expect(calls).toEqual([]);
  });

  test("a password in a bad option is not echoed", async () => {
    const r = await run("backup", "--db=postgresql://u:s3cret@h/db", "--json");
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain("s3cret");
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, command: "backup" });
  });
});

describe("command groups", () => {
  test.each([["--help"], ["-h"]])(
    "pitr %s lists the group's subcommands with usage lines and summaries, exit 0",
    async (flag) => {
      const r = await run("pitr", flag);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      for (const sub of ["recover", "export", "import"]) {
        expect(r.stdout).toContain(`bloom-dr pitr ${sub} [--keep-days D] [--verbose] [--json]`);
        expect(r.stdout).toContain(`pitr ${sub} things`);
      }
      expect(r.stdout).not.toContain("backup");
    },
  );

  test("a group without a subcommand: exit 2, one line naming the choices", async () => {
    const r = await run("pitr");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: "bloom-dr pitr: missing subcommand: one of recover, export, import\n",
    });
  });

  test("a group followed only by flags is still a missing subcommand (--json adds one JSON object)", async () => {
    const r = await run("pitr", "--verbose", "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("bloom-dr pitr: missing subcommand: one of recover, export, import\n");
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      command: "pitr",
      error: "missing subcommand: one of recover, export, import",
    });
  });

  test("an unknown subcommand names it and the choices", async () => {
    const r = await run("pitr", "rewind");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'bloom-dr pitr: unknown subcommand "rewind": one of recover, export, import\n',
    });
  });
});

describe("unknown commands", () => {
  test("flags are never part of the name", async () => {
    const r = await run("nosuch", "--verbose");
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'bloom-dr: unknown command "nosuch": run "bloom-dr --help" for the list\n',
    });
  });

  test("with --json also one JSON object on stdout", async () => {
    const r = await run("nosuch", "--json");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['bloom-dr: unknown command "nosuch": run "bloom-dr --help" for the list']);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      command: "nosuch",
      error: 'unknown command "nosuch": run "bloom-dr --help" for the list',
    });
  });
});

describe("positionals", () => {
  test("a stray positional is a usage error and nothing runs", async () => {
    const r = await run("drill", "pitr", "restore");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'bloom-dr drill: unexpected argument "restore": usage: bloom-dr drill [all|pitr] [--keep-days D] [--verbose] [--json]\n',
    );
    expect(calls).toEqual([]);
  });

  test("a command without positionals refuses one", async () => {
    const r = await run("backup", "now");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bloom-dr backup: unexpected argument "now": usage: bloom-dr backup /);
    expect(calls).toEqual([]);
  });

  test("the declared positional runs the command", async () => {
    expect((await run("drill", "pitr")).code).toBe(0);
    expect(calls.map((c) => [c.name, c.ctx.positionals])).toEqual([["drill", ["pitr"]]]);
  });

  test("a positional that takes the rest of the words accepts several", async () => {
    expect((await run("incident", "note", "branch", "created", "--verbose")).code).toBe(0);
    expect(calls[0].ctx.positionals).toEqual(["branch", "created"]);
  });
});

describe("negative option values", () => {
  test.each<[string[], Record<string, unknown>]>([
    [["--keep-days", "-1"], { "keep-days": "-1" }],
    [["--keep-days", "-0.5", "--verbose"], { "keep-days": "-0.5", verbose: true }],
    [["--keep-days=-1"], { "keep-days": "-1" }],
    [["--keep-days", "-1x"], { "keep-days": "-1x" }],
  ])("%j reaches the command as given; it validates the value itself", async (args, values) => {
    expect((await run("backup", ...args)).code).toBe(0);
    expect(Object.fromEntries(Object.entries(calls[0].ctx.values).filter(([, v]) => v !== undefined))).toEqual(values);
  });

  test.each([
    [["--verbose", "-1"], '"-1"'], // a boolean takes no value: -1 is a stray argument
    [["--", "--keep-days", "-1"], '"--keep-days"'], // after --, words are positionals
  ])("%j is a usage error naming %s", async (args, word) => {
    const r = await run("backup", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`unexpected argument ${word}`);
    expect(calls).toEqual([]);
  });
});

describe("the real CLI", () => {
  test.each([
    ["pitr", ["recover", "export", "import"]],
    ["incident", ["start", "note", "resolve", "status"]],
  ])("%s --help: exit 0, every subcommand's usage", async (group, subs) => {
    const r = await cli(group, "--help");
    expect(r.code).toBe(0);
    for (const sub of subs) expect(r.stdout).toMatch(new RegExp(`^  bloom-dr ${group} ${sub} `, "m"));
  });

  test.each<[string[], string]>([
    [["pitr"], "bloom-dr pitr: missing subcommand: one of recover, export, import"],
    [
      ["drill", "pitr", "restore", "--reports", path.join(os.tmpdir(), "bloom-dr-main-test-reports")],
      'bloom-dr drill: unexpected argument "restore": usage: bloom-dr drill [all|pitr|restore|failover] ',
    ],
    [
      ["prune", "--store", "/tmp", "--keep", "2", "--keep-days", "-1"],
      'bloom-dr prune: --keep-days must be a whole number of days ≥ 0 (got "-1")',
    ],
    [["drill", "--scale", "-1"], 'bloom-dr drill: --scale must be a number above 0 and at most 100 (got "-1")'],
  ])("%j: exit 2, one line", async (args, start) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(lines(r.stderr)[0].startsWith(start)).toBe(true);
  });

  test("nosuch --json: exit 2, one line and one JSON object", async () => {
    const r = await cli("nosuch", "--json");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['bloom-dr: unknown command "nosuch": run "bloom-dr --help" for the list']);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, command: "nosuch" });
  });
});
