// cli/ is the composition root of this package: the one place that wires the core, the engines
// and build-utils together. It imports core modules directly by relative path
// (`../src/<area>/<module>.js`), not through the public surfaces (`src/index.ts` is "wfkit",
// `src/engine.ts` is "wfkit/engine"): what only the CLI needs (the spool, the publisher class,
// the event line format, colors…) stays internal. Engines and build-utils it imports through
// their index.ts.
import { Command, CommanderError, Option } from "commander";
import { EnvSchema } from "../src/config/env-schema.js";
import { wfkitPackage } from "../src/util/package-info.js";
import { processIo, type CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";
import { collect } from "./parse-options.js";
import { AIRFLOW_RUNTIMES, EXPORT_ENGINES } from "./export-engines.js";
import { reportError } from "./report-error.js";
// The option table alone (no other module of the engine): `wf --help` stays light.
import { RUN_TASK_OPTIONS } from "../engines/airflow/worker/run-task-args.js";

// Commands are imported when chosen: `wf --help` and `wf --version` load neither tsx nor an
// engine, and each command loads only what it uses.

/**
 * Run the `wf` command line and return the exit code (never calls process.exit, so tests can
 * drive it in process). `argv` excludes `node` and the script.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = EXIT.OK;
  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      try {
        code = await fn(...args);
      } catch (error) {
        // Commander hands every action its command last: `--debug` is on each of them.
        const command = args.at(-1);
        code = reportError(io, error, command instanceof Command && command.opts()["debug"] === true);
      }
    };

  const program = new Command("wf")
    .description("wfkit: define a workflow once in TypeScript; validate it, look at its graph, run it, export it to Airflow and Jupyter")
    // What a bug report needs: which wfkit, on which Node, installed where.
    .version(`wfkit ${wfkitPackage().version} (node ${process.version}, ${wfkitPackage().root})`, "-V, --version")
    .showHelpAfterError("(run wf --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText(
      "after",
      [
        "",
        "Exit codes: 0 success; 1 a task failed, a workflow is invalid, or the run could not",
        "write its own files; 2 bad input (usage, configuration, params, a file that cannot be",
        "loaded, a run id in use, a run that --rerun cannot re-run, a workflow on hold);",
        "130/143 stopped by",
        "SIGINT/SIGTERM;",
        "99 (wf run-task only) the task had nothing to do: Airflow marks it skipped.",
        `Configuration: ${Object.keys(EnvSchema.shape).join(", ")};`,
        "see docs/configuration.md.",
      ].join("\n"),
    );

  program
    .command("run")
    .description("run a workflow in this process and print a summary")
    .argument("<file>", "a .ts or .js file that exports one or more Workflows")
    .option("-w, --workflow <name>", "which workflow, by name, dag id or export name, when the file has several")
    .option("-p, --param <key=value>", "a run parameter (repeatable); JSON values are parsed for non-string fields", collect)
    .option("--run-id <id>", "run id (default: a new time-sortable id)")
    .option("--logical-date <date>", "the run's logical date (2026-11-28 or an ISO date-time with offset): tasks get the data interval from it to the schedule's next tick, as Airflow's run of that date (default: the last complete interval)")
    .option("--tag <tag>", "a tag kept with the run in the run log (repeatable; wf runs list --tag)", collect)
    .option("-c, --concurrency <n>", "tasks that may run at once (default: WF_CONCURRENCY, 16)")
    .option("--rerun <run-id>", "re-run that run from the run log: tasks that succeeded there are reused (catalog entries carried), the rest run; params come from it unless given")
    .option("--dag-id <dag-id>", "with --rerun: the run's DAG, when it is not this workflow's (run ids are unique per DAG only)")
    .option("--from <task>", "with --rerun: run this task and everything downstream of it again, even where they succeeded (repeatable)", collect)
    .option("--force", "with --rerun: re-run although the workflow's tasks or edges changed since (another dag hash)")
    .option("--traceparent <traceparent>", "a W3C trace context (00-<trace id>-<span id>-<flags>) that parents the run's span with WF_OTEL on (default: TRACEPARENT)")
    .option("--json", "print the run result as JSON instead of the summary")
    .option("--debug", "show wfkit's own log lines (same as WF_LOG_LEVEL=debug)")
    .action(action(async (file: string, options) => (await import("./commands/run.js")).runCommand(io, file, options)));

  program
    .command("validate")
    .description("check every workflow the files or workflow packages export; list every problem and source warning")
    .argument("<inputs...>", "workflow files and/or workflow package folders")
    .option("--json", "print the reports as JSON")
    .action(action(async (files: string[], options) => (await import("./commands/validate.js")).validateCommand(io, files, options)));

  program
    .command("graph")
    .description("print a workflow's task graph")
    .argument("<file>", "workflow file")
    .option("-w, --workflow <name>", "which workflow, when the file has several")
    .addOption(new Option("-f, --format <format>", "output format").choices(["mermaid", "dot"]).default("mermaid"))
    .action(action(async (file: string, options) => (await import("./commands/graph.js")).graphCommand(io, file, options)));

  const exportOptions = (command: Command) =>
    command
      .addOption(new Option("-e, --engine <engine>", "target engine").choices(EXPORT_ENGINES).makeOptionMandatory())
      .addOption(new Option("--airflow-version <major>", "Airflow major version to write for").choices(["2", "3"]).default("3"))
      .option("--install-root <dir>", "where workers find installed packages when WF_INSTALL_ROOT is unset on them (default /opt/wfkit)")
      .addOption(
        new Option("--runtime <runtime>", "airflow only: how tasks run: bash, a BashOperator per task (default); sdk, stub DAGs for Airflow 3.3's SDK runtime and wfkit's coordinator (pip package in wfkit's python/)").choices(
          AIRFLOW_RUNTIMES,
        ),
      );

  exportOptions(
    program
      .command("export")
      .description("write one file per workflow for an engine (airflow: <dag_id>.py, notebook: <dag_id>.ipynb); all or nothing")
      .argument("<inputs...>", "workflow files and/or workflow package folders")
      .requiredOption("-o, --out <dir>", "output folder")
      .option("--rerun <run-id>", "notebook only: write <dag_id>.rerun-<run id>.ipynb, whose set-up cell re-runs that run (what succeeded is reused; step through the rest)")
      .option("--dag-id <dag-id>", "with --rerun: the run's DAG, when it is not the workflow's own"),
  ).action(action(async (inputs: string[], options) => (await import("./commands/export.js")).exportCommand(io, inputs, options)));

  exportOptions(
    program
      .command("package")
      .description("write a zip of one workflow package's exported files plus manifest.json")
      .argument("<inputs...>", "a workflow package folder, or workflow files")
      .requiredOption("-o, --out <file.zip>", "the zip to write"),
  ).action(action(async (inputs: string[], options) => (await import("./commands/package.js")).packageCommand(io, inputs, options)));

  const runTask = program
    .command("run-task")
    .description("run one task of a workflow as one Airflow task instance (what generated DAGs call; options default to WF_* variables the DAG sets)")
    .argument("<module>", "the module that exports the workflow");
  for (const spec of RUN_TASK_OPTIONS) {
    const option = new Option(`${spec.short ? `${spec.short}, ` : ""}${spec.flag}${spec.value ? ` ${spec.value}` : ""}`, spec.description);
    if (spec.env !== undefined) option.env(spec.env);
    if (spec.required) option.makeOptionMandatory();
    if (spec.hidden) option.hideHelp();
    runTask.addOption(option);
  }
  runTask.action(action(async (file: string, options) => (await import("./commands/run-task.js")).runTaskCommand(io, file, options)));

  program
    .command("init")
    .description("set up a project for wfkit: a first workflow, its vitest test, tsconfig.json, package.json fields, .wf/ kept out of git and npm")
    .argument("[dir]", "the project's folder (default: the current one)")
    .action(action(async (dir: string | undefined) => (await import("./commands/init.js")).initCommand(io, dir)));

  program
    .command("install")
    .description("install a workflow package version on an Airflow worker, once: <root>/<package>/<version>/")
    .argument("<spec>", "a packed tarball (npm pack), an npm spec (my-pipelines@1.2.0) or a package folder")
    .option("--root <dir>", "install root (default: WF_INSTALL_ROOT, /opt/wfkit)")
    .option("--no-compile", "do not compile the workflow modules (tasks then compile TypeScript on every start)")
    .action(action(async (spec: string, options) => (await import("./commands/install.js")).installCommand(io, spec, options)));

  const events = program.command("events").description("watch and publish status events on the message bus (RabbitMQ)");
  events
    .command("tail")
    .description("print the status events on the bus as they arrive, one line each, until Ctrl-C")
    .option("--bus <url>", "broker URL (default: WF_BUS_URL, else amqp://localhost)")
    .option("--exchange <name>", "exchange to watch (default: WF_BUS_EXCHANGE, wfkit.events)")
    .option("--run <id>", "only the events of this run")
    .option("--json", "print each message body as received, one per line")
    .action(action(async (options) => (await import("./commands/events-tail.js")).eventsTailCommand(io, options)));
  events
    .command("flush")
    .description("publish the status events waiting in this host's spool (of wf processes that ended while the broker was unreachable); exit 1 if some are left")
    .option("--bus <url>", "broker URL (default: WF_BUS_URL)")
    .option("--exchange <name>", "exchange to publish to (default: WF_BUS_EXCHANGE, wfkit.events)")
    .option("--spool <dir>", "spool folder (default: WF_BUS_SPOOL_DIR, else spool/ under WF_HOME)")
    .option("--debug", "show wfkit's own log lines")
    .action(action(async (options) => (await import("./commands/events-flush.js")).eventsFlushCommand(io, options)));

  const runs = program.command("runs").description("query the run log: every run and task attempt recorded, on every engine");
  const storeOption = () => new Option("--store <store>", "run log to read: file (under WF_HOME) or a PostgreSQL URL (default: WF_RUN_LOG)");
  runs
    .command("list")
    .description("the recorded runs, newest first")
    .option("--workflow <name>", "only runs of this workflow")
    .option("--dag-id <id>", "only runs of this DAG")
    .option("--status <status>", "only runs with this status: running, success, failed, terminated, crashed")
    .option("--since <when>", "only runs started since: an age (7d, 12h, 30m) or a date (2026-12-01)")
    .option("--tag <tag>", "only runs with this tag (wf run --tag)")
    .option("--limit <n>", "at most this many runs (default 20)")
    .addOption(storeOption())
    .option("--json", "print the runs as JSON")
    .action(action(async (options) => (await import("./commands/runs.js")).runsListCommand(io, options)));
  runs
    .command("show")
    .description("one run: its tasks, their attempts, durations, errors and metrics, and a timeline")
    .argument("<run-id>", "the run's id")
    .option("--dag-id <id>", "the run's DAG, when runs of several DAGs have this id (Airflow run ids are unique per DAG only)")
    .addOption(storeOption())
    .option("--json", "print the run as JSON")
    .action(action(async (runId: string, options) => (await import("./commands/runs.js")).runsShowCommand(io, runId, options)));
  runs
    .command("actions")
    .description("task actions (run, success, fail, retry, terminate, inaction, crash), newest first")
    .option("--task <name>", "only this task's")
    .option("--action <action>", "only this action: run, success, fail, retry, terminate, inaction, crash")
    .option("--dag-id <id>", "only this DAG's")
    .option("--run-id <id>", "only this run's")
    .option("--since <when>", "only since: an age (7d, 12h) or a date (2026-12-01)")
    .option("--limit <n>", "at most this many (default 100)")
    .addOption(storeOption())
    .option("--json", "print the actions as JSON")
    .action(action(async (options) => (await import("./commands/runs.js")).runsActionsCommand(io, options)));
  runs
    .command("prune")
    .description("remove the records and run folders of old runs (nothing else ever deletes them)")
    .option("--older-than <when>", "runs older than this: an age (30d) or a date (2026-11-01)")
    .addOption(storeOption())
    .option("--json", "print what was removed as JSON")
    .action(action(async (options) => (await import("./commands/runs.js")).runsPruneCommand(io, options)));
  runs
    .command("sync")
    .description("send the records waiting in WF_HOME/run-log/pending/ (of processes that ended while PostgreSQL was unreachable) to the PostgreSQL run log; exit 1 if it still cannot take them")
    .option("--all-hosts", "also the files other hosts left (a shared WF_HOME), not only this host's")
    .addOption(storeOption())
    .option("--json", "print how many records were sent as JSON")
    .action(action(async (options) => (await import("./commands/runs.js")).runsSyncCommand(io, options)));

  const audit = program
    .command("audit")
    .description("what a workflow's runs processed: record counts, data ranges and their gaps, run errors, sources and targets, the hold")
    .argument("<workflow>", "the workflow's name (every version)")
    .option("--since <when>", "only runs started since: an age (7d, 12h) or a date (2026-12-01)")
    .option("--kind <kind>", "chart this kind of record (default: written, else read)")
    .option("--limit <n>", "show this many runs, newest first, with their errors (default 20; --json lists every run, errors for these)")
    .addOption(storeOption())
    .option("--json", "print the audit as JSON")
    .option("--debug", "show the stack of an error")
    .action(action(async (workflow: string, options) => (await import("./commands/audit.js")).auditCommand(io, workflow, options)));
  audit
    .command("release")
    .description("let a workflow on hold (maxConsecutiveFailures) run again; records who and when")
    .argument("<workflow>", "the workflow's name")
    .option("--by <who>", "who releases it (default user@host)")
    .option("--reason <text>", "why: what was fixed")
    .addOption(storeOption())
    .option("--json", "print the release record as JSON")
    .action(action(async (workflow: string, options) => (await import("./commands/audit.js")).auditReleaseCommand(io, workflow, options)));
  const extracts = program
    .command("extracts")
    .description("files workflows consume or produce, with their status (ready, loading, loaded, failed, archived)")
    .option("--status <status>", "only this status: ready (default), loading, loaded, failed, archived, or any")
    .option("--location <location>", "only extracts in this location")
    .option("--filename <name>", "only this filename (with --partial: names containing it)")
    .option("--partial", "--filename matches any part of the name")
    .option("--producer <workflow>", "only extracts this workflow registered")
    .option("--limit <n>", "at most this many")
    .addOption(storeOption())
    .option("--json", "print the extracts as JSON")
    .option("--debug", "show the stack of an error")
    .action(action(async (options) => (await import("./commands/audit.js")).extractsCommand(io, options)));
  extracts
    .command("set-status")
    .description("move one extract to a status (failed → ready to load it again, loaded → archived)")
    .argument("<status>", "ready, loading, loaded, failed or archived")
    .argument("<location>", "the extract's location")
    .argument("<filename>", "the extract's filename")
    .addOption(storeOption())
    .option("--json", "print the extract as JSON")
    .action(action(async (status: string, location: string, filename: string, options) => (await import("./commands/audit.js")).extractsSetStatusCommand(io, status, location, filename, options)));

  // `--debug` on every command: with it an error shows its stack (and the commands that log show wfkit's own lines).
  const leaves = (command: Command): Command[] => (command.commands.length === 0 ? [command] : command.commands.flatMap(leaves));
  for (const command of leaves(program)) {
    if (!command.options.some((option) => option.long === "--debug")) command.option("--debug", "show the stack of an error");
    // After a usage error, point at this command's own help (`wf events tail --help`), not the program's.
    const names: string[] = [];
    for (let c: Command | null = command; c !== null && c !== program; c = c.parent) names.unshift(c.name());
    command.showHelpAfterError(`(run wf ${names.join(" ")} --help for usage)`);
  }

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ["commander.helpDisplayed", "commander.version"].includes(error.code);
      return benign ? EXIT.OK : EXIT.USAGE;
    }
    return reportError(io, error);
  }
  return code;
}
