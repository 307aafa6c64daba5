/**
 * How long a real Airflow 3 takes to parse wfkit's generated DAG files, against hand-written
 * minimal DAG files of the same DAGs, in the same run.
 *
 *   npm run build && tsx bench/airflow-dag-parse.ts                 # prints tables (a few minutes)
 *   npm run build && tsx bench/airflow-dag-parse.ts --json          # machine-readable results on stdout
 *   npm run build && tsx bench/airflow-dag-parse.ts --reps 9        # timed rounds (default 5, at least 3)
 *   npm run build && tsx bench/airflow-dag-parse.ts --no-breakdown  # without the per-part breakdown
 *   npm run build && tsx bench/airflow-dag-parse.ts --keep          # keep the generated folders (to profile)
 *
 * 200 workflows (5 shapes of 4 to 6 tasks, chains and small fans, 1,000 tasks in all; 1 to 3
 * params each, of integer, number, string, enum, boolean, optional and required kinds; some
 * scheduled; varied retries and queues) are rendered with `renderAirflowDag` from "wfkit/airflow"
 * for Airflow 3 into one folder. The peer folder ("hand-written") holds 200 minimal DAG files of
 * the same DAGs: the same imports (`from airflow.providers.standard.operators.bash import
 * BashOperator`, `from airflow.sdk import DAG`), dag ids, schedules, start date, `catchup=False`,
 * task ids, BashOperator count and `set_upstream` edges, and a plain `bash_command` string; no
 * params, macros, env, docs, retries or queues. A second peer ("hand-written + same params") is
 * the same files plus the generated files' own `params={…}` block (and `Param` imported): what
 * Airflow charges for the Params alone, whoever writes them.
 *
 * One Python process of the cached Airflow 3.3.2 venv (ensureAirflow(3) from
 * test/support/airflow.ts; AIRFLOW_HOME a fresh temp home from createAirflowHome) parses every
 * file with `DagBag.process_file` (what the DAG processor runs per file: import the module,
 * validate every DAG, cycle check, policies; one fresh DagBag per folder and round), timed with
 * perf_counter. One untimed warm-up round, then `reps` rounds; in each round file i of every
 * folder is parsed before file i + 1, the folder order rotating, so drift and other load hit all
 * folders alike; gc.collect() before each round. Reported: the median over rounds of ms per file
 * (a round's total / 200), the p90, and the ratio wfkit / hand-written (target ≤ 1.10):
 *
 *   parse            bytecode cached in __pycache__ (the steady state of a DAG processor
 *                    re-parsing unchanged files): executing the module + the DagBag checks.
 *   parse+serialize  then DagSerialization.to_dict of every DAG, which the DAG processor also
 *                    does for every parsed file, to store the DAG in the database.
 *   no .pyc          copies of the folders parsed with sys.dont_write_bytecode and no
 *                    __pycache__: every parse also compiles the source.
 *
 * The breakdown (on by default) parses, in the same rounds, copies of the wfkit folder with one
 * part of every file taken out by a text edit, to say which part of the generated file costs:
 * the params (`params={}`), the Params' JSON schemas (`Param(default, description=…)` only), the
 * helper functions and macros, literal(), doc_md, the operators' env, the per-task settings, and
 * all but the params at once. A part the generated files no longer have is reported as n/a.
 *
 * It is a benchmark, not a test: it reports whether the target is met and never fails (without
 * Python or the Airflow venv it says so and exits 0). It imports "wfkit" and "wfkit/airflow" as a
 * user would, i.e. the built dist/ (build first).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { z } from "zod";
import { TaskBase, Workflow, type TaskClass } from "wfkit";
import { renderAirflowDag } from "wfkit/airflow";
import { createAirflowHome, ensureAirflow } from "../test/support/airflow.js";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";

// ---------------------------------------------------------------------------------------------
// Settings

const FILES = 200;
const TARGET_RATIO = 1.1;

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const breakdown = !argv.includes("--no-breakdown");
/** Keep the temp AIRFLOW_HOME with the generated folders (to profile them), and say where. */
const keep = argv.includes("--keep");
const REPS = countArg(argv, "--reps", 5, 3);

const loadStart = loadavg()[0]!;
const say = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);

// ---------------------------------------------------------------------------------------------
// The workflows

/** A distinct TaskBase subclass named `name` (task name = class name). */
function taskClass(name: string): TaskClass {
  const classes = {
    [name]: class extends TaskBase {
      run(): void {}
    },
  };
  return classes[name]!;
}

const NAMES = ["Extract", "Validate", "Clean", "Enrich", "Aggregate", "Load"];
const cls = Object.fromEntries(NAMES.map((n) => [n, taskClass(n)])) as Record<string, TaskClass>;

/** Task graphs: task → its upstreams, in insertion order. */
const SHAPES: { name: string; edges: [string, string[]][] }[] = [
  { name: "chain of 5", edges: [["Extract", []], ["Validate", ["Extract"]], ["Clean", ["Validate"]], ["Enrich", ["Clean"]], ["Load", ["Enrich"]]] },
  { name: "fan 1-3-1", edges: [["Extract", []], ["Clean", ["Extract"]], ["Enrich", ["Extract"]], ["Validate", ["Extract"]], ["Load", ["Clean", "Enrich", "Validate"]]] },
  { name: "chain of 4", edges: [["Extract", []], ["Clean", ["Extract"]], ["Aggregate", ["Clean"]], ["Load", ["Aggregate"]]] },
  { name: "diamond + tail", edges: [["Extract", []], ["Clean", ["Extract"]], ["Enrich", ["Extract"]], ["Aggregate", ["Clean", "Enrich"]], ["Load", ["Aggregate"]]] },
  { name: "fan 1-4-1", edges: [["Extract", []], ["Validate", ["Extract"]], ["Clean", ["Extract"]], ["Enrich", ["Extract"]], ["Aggregate", ["Extract"]], ["Load", ["Validate", "Clean", "Enrich", "Aggregate"]]] },
];

const PARAMS = [
  z.object({ limit: z.number().int().min(1).default(100).describe("Rows per batch"), currency: z.enum(["EUR", "USD"]).default("EUR").describe("Currency to keep") }),
  z.object({ date: z.string().describe("Day to process, YYYY-MM-DD"), dryRun: z.boolean().default(false).describe("Write nothing") }),
  z.object({ minAmount: z.number().min(0).default(0).describe("Drop rows below this amount"), source: z.string().optional().describe("Input file"), region: z.string().default("eu") }),
  z.object({ table: z.string().default("orders").describe("Target table") }),
];

interface BenchDag {
  workflow: Workflow;
  shape: (typeof SHAPES)[number];
}

const dags: BenchDag[] = Array.from({ length: FILES }, (_, i) => {
  const shape = SHAPES[i % SHAPES.length]!;
  const workflow = new Workflow({
    category: "bench",
    detail: `d${String(i).padStart(3, "0")}`,
    inputData: ["csv", "api", "db"][i % 3]!,
    outputData: ["report", "table"][i % 2]!,
    version: `1.${i % 4}.0`,
    description: `Benchmark workflow ${i}: ${shape.name}`,
    tags: ["bench"],
    params: PARAMS[i % PARAMS.length]!,
    // Airflow refuses a schedule on a DAG with a required param (PARAMS[1]'s date): none there.
    schedule: [null, null, "@daily", "@hourly"][i % 4] ?? null,
  });
  for (const [task, ups] of shape.edges) {
    workflow.addNode(cls[task]!, {
      upstreams: ups.map((u) => cls[u]!),
      ...(task === "Load" ? { retries: 2, retryDelaySeconds: 30 } : {}),
      ...(task === "Aggregate" ? { queue: "heavy" } : {}),
    });
  }
  return { workflow, shape };
});

/**
 * The hand-written peer of one DAG: same imports, dag id, schedule, task ids, operators and
 * edges; a plain bash_command; nothing else. With `paramsBlock` (the `params={…}` lines of the
 * generated file), the same DAG plus those Params: what Airflow charges for the params alone.
 */
function handWritten(dagId: string, schedule: string | null, shape: BenchDag["shape"], paramsBlock?: string): string {
  const v = (name: string) => `t_${name.toLowerCase()}`;
  return [
    "import datetime",
    "",
    "from airflow.providers.standard.operators.bash import BashOperator",
    paramsBlock === undefined ? "from airflow.sdk import DAG" : "from airflow.sdk import DAG, Param",
    "",
    "with DAG(",
    `    dag_id=${JSON.stringify(dagId)},`,
    `    schedule=${schedule === null ? "None" : JSON.stringify(schedule)},`,
    "    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),",
    "    catchup=False,",
    ...(paramsBlock === undefined ? [] : [paramsBlock.trimEnd()]),
    ") as dag:",
    ...shape.edges.map(([task]) => `    ${v(task)} = BashOperator(task_id=${JSON.stringify(task)}, bash_command=${JSON.stringify(`echo ${task}`)})`),
    ...shape.edges.flatMap(([task, ups]) => [...ups].sort().map((up) => `    ${v(task)}.set_upstream(${v(up)})`)),
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Breakdown variants: the wfkit file with one part taken out (text edits; null = not applicable)

type Edit = (text: string) => string | null;
/** Replace every match of `re`; null when there is none (the template no longer has the part). */
const replaceAll =
  (re: RegExp, by: string | ((...m: string[]) => string)): Edit =>
  (text) => {
    const out = text.replace(re, by as (substring: string, ...args: unknown[]) => string);
    return out === text ? null : out;
  };
const chain =
  (...edits: Edit[]): Edit =>
  (text) => {
    let out: string | null = text;
    let any = false;
    for (const edit of edits) {
      const next: string | null = edit(out);
      if (next !== null) {
        out = next;
        any = true;
      }
    }
    return any ? out : null;
  };

/** The `params={…}` block of the DAG call, as rendered. */
const PARAMS_BLOCK = /^( +)params=\{\n(?:\1 {4}.*\n)*\1\},\n/m;
const noParams = replaceAll(PARAMS_BLOCK, (_m, indent) => `${indent}params={},\n`);
const noParamSchemas = replaceAll(/^( +"[^"\n]*": Param\(.*?), \*\*\{.*\}\),$/gm, "$1),");
const noHelpers = chain(
  replaceAll(/^def _wf_\w+\(.*\):\n(?:(?: {4}.*)?\n)*?(?=\n*\S)/gm, ""),
  replaceAll(/^ +user_defined_macros=.*\n/m, ""),
  replaceAll(/^_(?:PARAM_NAMES|OMIT_WHEN_NONE) = .*\n/gm, ""),
);
const noLiteral = chain(replaceAll(/\bliteral\(("(?:[^"\\]|\\.)*")\)/g, "$1"), replaceAll(/^(from airflow\.sdk import DAG(?:, Param)?), literal$/m, "$1"));
const noDocs = replaceAll(/^ +doc_md=.*\n/gm, "");
const noEnv = chain(replaceAll(/^ +env=.*\n/gm, ""), replaceAll(/^ +append_env=.*\n/gm, ""));
const noTaskSettings = replaceAll(/^ +(?:retries|retry_delay|queue|skip_on_exit_code)=.*\n/gm, "");

/** `serialize`: also time DagSerialization for this variant (it costs seconds per round). */
const VARIANTS: { name: string; description: string; edit: Edit; serialize: boolean }[] = [
  { name: "-params", description: "params={}: no Param objects", edit: noParams, serialize: true },
  { name: "-param schemas", description: "Param(default, description=…) without its **{schema}", edit: noParamSchemas, serialize: true },
  { name: "-helpers", description: "no _wf_params/_wf_run_id, user_defined_macros, frozensets", edit: noHelpers, serialize: false },
  { name: "-literal", description: 'literal("x") -> "x"', edit: noLiteral, serialize: false },
  { name: "-doc_md", description: "no doc_md (DAG and tasks)", edit: noDocs, serialize: false },
  { name: "-env", description: "no env / append_env on the operators", edit: noEnv, serialize: false },
  { name: "-task settings", description: "no retries/retry_delay/queue/skip_on_exit_code", edit: noTaskSettings, serialize: false },
  {
    name: "-all but params",
    description: "helpers, literal, doc_md, env and task settings all out; params kept",
    edit: chain(noHelpers, noLiteral, noDocs, noEnv, noTaskSettings),
    serialize: true,
  },
];

// ---------------------------------------------------------------------------------------------
// The Python side

const PY = String.raw`
import gc, json, os, shutil, sys, time
req = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization
import_ms = (time.perf_counter() - t0) * 1000

folders = req["folders"]
files = sorted(n for n in os.listdir(folders[0]["path"]) if n.endswith(".py"))
results = {f["name"]: {"parse": [], "serialize": [], "dags": 0, "tasks": 0, "edges": 0, "errors": {}} for f in folders}
for rep in range(req["reps"] + 1):  # round 0 is the warm-up (and writes the .pyc files)
    gc.collect()
    bags = {f["name"]: DagBag(dag_folder=f["path"], collect_dags=False) for f in folders}
    parse = {f["name"]: 0.0 for f in folders}
    serialize = {f["name"]: 0.0 for f in folders}
    for i, name in enumerate(files):
        # Each file of every folder in turn, the order rotating, so drift hits all folders alike.
        k = (i + rep) % len(folders)
        for f in folders[k:] + folders[:k]:
            path = os.path.join(f["path"], name)
            if not f["pyc"]:
                shutil.rmtree(os.path.join(f["path"], "__pycache__"), ignore_errors=True)
            sys.dont_write_bytecode = not f["pyc"]
            t0 = time.perf_counter()
            dags = bags[f["name"]].process_file(path, only_if_updated=False)
            t1 = time.perf_counter()
            sys.dont_write_bytecode = False
            if f["serialize"]:
                for dag in dags:
                    DagSerialization.to_dict(dag)
            t2 = time.perf_counter()
            parse[f["name"]] += t1 - t0
            serialize[f["name"]] += t2 - t1
    for f in folders:
        r, bag = results[f["name"]], bags[f["name"]]
        r["dags"] = len(bag.dags)
        r["tasks"] = sum(len(d.tasks) for d in bag.dags.values())
        r["edges"] = sum(len(t.upstream_task_ids) for d in bag.dags.values() for t in d.tasks)
        r["errors"].update({k: str(v)[-500:] for k, v in bag.import_errors.items()})
        if rep > 0:
            r["parse"].append(parse[f["name"]] * 1000)
            r["serialize"].append(serialize[f["name"]] * 1000)
    print(f"round {rep} done", file=sys.stderr, flush=True)

json.dump({"importMs": import_ms, "results": results, "python": sys.version.split()[0]}, open(sys.argv[2], "w"))
`;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!json && process.stdout.isTTY) process.stdout.write(".");
    });
    child.on("error", (e) => resolve({ code: -1, stderr: `${stderr}\n${e.message}` }));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

// ---------------------------------------------------------------------------------------------
// Measurements

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const p90 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
};

interface FolderResult {
  name: string;
  /** Median over rounds of ms per file of DagBag.process_file (bytecode cached unless the folder is a "no .pyc" one). */
  parseMsPerFile: number;
  parseP90MsPerFile: number;
  /** Median ms per file of parse + DagSerialization.to_dict; null when not measured for this folder. */
  parseSerializeMsPerFile: number | null;
  dags: number;
  tasks: number;
  edges: number;
  bytes: number;
  samples: { parseMs: number[]; serializeMs: number[] };
  importErrors: Record<string, string>;
}

interface PyResult {
  importMs: number;
  python: string;
  results: Record<string, { parse: number[]; serialize: number[]; dags: number; tasks: number; edges: number; errors: Record<string, string> }>;
}

const install = await ensureAirflow(3);
if (!install.ok) skip(`no Airflow 3 venv: ${install.reason}`);

/** Say why there are no figures, and exit 0: a benchmark never fails. */
function skip(reason: string): never {
  if (json) console.log(JSON.stringify({ benchmark: "airflow-dag-parse", skipped: reason }, null, 2));
  else console.log(`airflow-dag-parse: skipped: ${reason}`);
  process.exit(0);
}

const WFKIT = "wfkit";
const HAND = "hand-written";
const HAND_PARAMS = "hand-written + same params";
const NO_PYC = ", no .pyc";

interface Folder {
  name: string;
  path: string;
  /** Bytecode cached in __pycache__ (false: compiled on every parse). */
  pyc: boolean;
  /** Also time DagSerialization.to_dict of the parsed DAGs. */
  serialize: boolean;
  bytes: number;
}

const home = await createAirflowHome(install.install);
const warnings: string[] = [];
const skippedVariants: string[] = [];
const folders: Folder[] = [];
let py: PyResult | undefined;
let failure: string | undefined;
try {
  const root = path.join(home.home, "bench");
  /** Write one folder of files; null contents (a variant that does not apply) write nothing. */
  const addFolder = (name: string, files: { fileName: string; content: string }[], options: { pyc?: boolean; serialize: boolean }) => {
    const dir = path.join(root, name.replace(/[^a-z0-9]+/gi, "_"));
    mkdirSync(dir, { recursive: true });
    let bytes = 0;
    for (const file of files) {
      writeFileSync(path.join(dir, file.fileName), file.content);
      bytes += Buffer.byteLength(file.content);
    }
    folders.push({ name, path: dir, pyc: options.pyc ?? true, serialize: options.serialize, bytes });
  };
  const wfkitFiles: { fileName: string; content: string }[] = [];
  const handFiles: { fileName: string; content: string }[] = [];
  const handParamsFiles: { fileName: string; content: string }[] = [];
  for (const { workflow, shape } of dags) {
    const dag = await renderAirflowDag(
      { workflow, package: { name: "bench-pipelines", version: "1.0.0" }, modulePath: "dist/pipelines.js", exportName: workflow.name },
      { airflowVersion: "3" },
    );
    wfkitFiles.push({ fileName: dag.fileName, content: dag.content });
    handFiles.push({ fileName: dag.fileName, content: handWritten(dag.dagId, workflow.options.schedule, shape) });
    const paramsBlock = PARAMS_BLOCK.exec(dag.content)?.[0];
    if (paramsBlock !== undefined) handParamsFiles.push({ fileName: dag.fileName, content: handWritten(dag.dagId, workflow.options.schedule, shape, paramsBlock) });
  }
  addFolder(WFKIT, wfkitFiles, { serialize: true });
  addFolder(HAND, handFiles, { serialize: true });
  if (handParamsFiles.length === FILES) addFolder(HAND_PARAMS, handParamsFiles, { serialize: true });
  else warnings.push(`no "${HAND_PARAMS}" peer: the generated files have no params={…} block this benchmark recognises`);
  // Copies parsed without bytecode: every parse also compiles the source.
  addFolder(WFKIT + NO_PYC, wfkitFiles, { pyc: false, serialize: false });
  addFolder(HAND + NO_PYC, handFiles, { pyc: false, serialize: false });
  if (breakdown) {
    for (const variant of VARIANTS) {
      const edited = wfkitFiles.map((file) => ({ fileName: file.fileName, content: variant.edit(file.content) }));
      if (edited.some((file) => file.content === null)) skippedVariants.push(variant.name);
      else addFolder(variant.name, edited as { fileName: string; content: string }[], { serialize: variant.serialize });
    }
  }
  const script = path.join(root, "parse.py");
  const request = path.join(root, "request.json");
  const answer = path.join(root, "result.json");
  writeFileSync(script, PY);
  writeFileSync(request, JSON.stringify({ folders, reps: REPS }));
  say(`parsing ${folders.length} folders of ${FILES} files, ${REPS} rounds + 1 warm-up, Airflow ${install.install.version} (a few minutes) …`);
  const env: NodeJS.ProcessEnv = { ...home.env, PYTHONWARNINGS: "ignore", AIRFLOW__LOGGING__LOGGING_LEVEL: "WARNING" };
  delete env["PYTHONDONTWRITEBYTECODE"];
  const r = await run(install.install.python, [script, request, answer], env, home.home);
  if (r.code === 0) py = JSON.parse(readFileSync(answer, "utf8")) as PyResult;
  else failure = `the Python side failed (exit ${r.code}): ${r.stderr.slice(-2000)}`;
} finally {
  if (keep) say(`kept ${home.home} (folders and parse.py under bench/; run them with AIRFLOW_HOME=${home.home})`);
  else await home.cleanup();
}
if (py === undefined) skip(failure ?? "no result");

const results: FolderResult[] = folders.map((folder) => {
  const r = py.results[folder.name]!;
  const perFile = (xs: number[]) => xs.map((x) => x / FILES);
  if (r.dags !== FILES) warnings.push(`${folder.name}: ${r.dags} of ${FILES} DAGs parsed`);
  if (Object.keys(r.errors).length > 0) warnings.push(`${folder.name}: import errors: ${JSON.stringify(r.errors).slice(0, 800)}`);
  return {
    name: folder.name,
    parseMsPerFile: median(perFile(r.parse)),
    parseP90MsPerFile: p90(perFile(r.parse)),
    parseSerializeMsPerFile: folder.serialize ? median(r.parse.map((p, i) => (p + r.serialize[i]!) / FILES)) : null,
    dags: r.dags,
    tasks: r.tasks,
    edges: r.edges,
    bytes: folder.bytes,
    samples: { parseMs: r.parse, serializeMs: folder.serialize ? r.serialize : [] },
    importErrors: r.errors,
  };
});
const byName = (name: string) => results.find((r) => r.name === name);
const wfkit = byName(WFKIT)!;
const hand = byName(HAND)!;
const handParams = byName(HAND_PARAMS);
const wfkitNoPyc = byName(WFKIT + NO_PYC)!;
const handNoPyc = byName(HAND + NO_PYC)!;
for (const peer of [hand, handParams]) {
  if (peer && (peer.tasks !== wfkit.tasks || peer.edges !== wfkit.edges)) {
    warnings.push(`${peer.name} differs in shape: ${peer.tasks} tasks / ${peer.edges} edges, wfkit ${wfkit.tasks} / ${wfkit.edges}`);
  }
}
const ratioOf = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? null : a / b);
const ratios = {
  /** The target's ratio: parse, bytecode cached, against the minimal hand-written peer. */
  parse: wfkit.parseMsPerFile / hand.parseMsPerFile,
  parseSerialize: ratioOf(wfkit.parseSerializeMsPerFile, hand.parseSerializeMsPerFile),
  parseNoPyc: wfkitNoPyc.parseMsPerFile / handNoPyc.parseMsPerFile,
  /** Against hand-written DAGs with the same Params: what the template adds beyond Airflow's cost of Params. */
  parseVsSameParams: ratioOf(wfkit.parseMsPerFile, handParams?.parseMsPerFile),
  parseSerializeVsSameParams: ratioOf(wfkit.parseSerializeMsPerFile, handParams?.parseSerializeMsPerFile),
};
const targetMet = ratios.parse <= TARGET_RATIO;
const variants = results.filter((r) => VARIANTS.some((v) => v.name === r.name));

// ---------------------------------------------------------------------------------------------
// Report

const machine = { ...machineInfo(loadStart), python: py.python, airflow: install.install.version };

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "airflow-dag-parse",
        machine,
        settings: { files: FILES, reps: REPS, breakdown },
        target: { ratio: TARGET_RATIO },
        targetMet,
        ratios,
        airflowImportMs: py.importMs,
        results,
        skippedVariants,
        warnings,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? "—" : x.toFixed(digits));
  const x = (r: number | null) => (r === null ? "—" : `${r.toFixed(2)}x`);
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
    console.log(line(rows[0]!));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of rows.slice(1)) console.log(line(row));
  };
  console.log(`Airflow ${machine.airflow} DAG parse time, wfkit-generated vs hand-written DAG files — node ${machine.node}, Python ${machine.python}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`${FILES} files per folder (${wfkit.tasks} BashOperators, ${wfkit.edges} edges); DagBag.process_file per file in one Python process;`);
  console.log(`median of ${REPS} rounds after 1 warm-up, the folders' files interleaved`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  table([
    ["folder", "KB", "parse ms/file", "p90", "parse+serialize ms/file", "parse, no .pyc ms/file"],
    ...[wfkit, hand, ...(handParams ? [handParams] : [])].map((r) => [
      r.name,
      f(r.bytes / 1024, 0),
      f(r.parseMsPerFile),
      f(r.parseP90MsPerFile),
      f(r.parseSerializeMsPerFile),
      f(byName(r.name + NO_PYC)?.parseMsPerFile),
    ]),
    [`ratio ${WFKIT} / ${HAND}`, "", x(ratios.parse), "", x(ratios.parseSerialize), x(ratios.parseNoPyc)],
    [`ratio ${WFKIT} / ${HAND_PARAMS}`, "", x(ratios.parseVsSameParams), "", x(ratios.parseSerializeVsSameParams), ""],
  ]);
  console.log(
    `\ntarget: parse ratio wfkit / hand-written ≤ ${TARGET_RATIO.toFixed(2)}: ${targetMet ? "met" : "NOT met"} (${x(ratios.parse)}, +${f(wfkit.parseMsPerFile - hand.parseMsPerFile)} ms per file)`,
  );
  if (breakdown) {
    const gap = wfkit.parseMsPerFile - hand.parseMsPerFile;
    console.log(`\nbreakdown: the wfkit folder with one part taken out (same rounds, bytecode cached); saved = wfkit − variant; gap = wfkit − hand-written`);
    table([
      ["variant", "KB", "parse ms/file", "saved", "% of gap", "parse+serialize ms/file", "saved"],
      ...variants.map((v) => [
        `${v.name}: ${VARIANTS.find((d) => d.name === v.name)!.description}`,
        f(v.bytes / 1024, 0),
        f(v.parseMsPerFile),
        f(wfkit.parseMsPerFile - v.parseMsPerFile),
        `${((100 * (wfkit.parseMsPerFile - v.parseMsPerFile)) / gap).toFixed(0)}%`,
        f(v.parseSerializeMsPerFile),
        v.parseSerializeMsPerFile === null ? "—" : f(wfkit.parseSerializeMsPerFile! - v.parseSerializeMsPerFile),
      ]),
    ]);
    for (const name of skippedVariants) console.log(`n/a: ${name} (the generated files no longer have that part)`);
  }
  console.log(`\n(importing DagBag and DagSerialization took ${py.importMs.toFixed(0)} ms in the Python process, in no figure)`);
  for (const w of warnings) console.log(`warning: ${w}`);
}
