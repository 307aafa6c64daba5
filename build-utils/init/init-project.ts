import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errorMessage, wfkitPackage } from "../../src/engine.js";
import { InitError } from "./errors.js";

/** What `wf init` did in a project folder. */
export interface InitResult {
  /** The project folder (absolute). */
  dir: string;
  /** Files written, relative to the folder. */
  created: string[];
  /** Files changed (package.json, .gitignore, .npmignore), relative to the folder. */
  updated: string[];
  /** Template files left as they were because the project has them already. */
  skipped: string[];
  /** Packages the project still needs: `npm install` lines to run. */
  install: string[];
}

/** Where run folders go by default (WF_HOME): kept out of git and out of the npm package. */
const RUN_FOLDER = ".wf/";
const DEPENDENCIES = ["zod"];
const DEV_DEPENDENCIES = ["vitest", "typescript", "@types/node"];

/**
 * Set up a project for wfkit, as `wf init` does: a first workflow (`src/workflows/hello.ts`), its
 * vitest test (`test/hello.test.ts`) and a `tsconfig.json`, each only where the project has none;
 * in package.json (made when missing) `"wfkit": {"workflows": ["src/workflows/*.ts"]}` for
 * package discovery and a `test` script, where unset; `.wf/` (run folders) in `.gitignore`, and in
 * `.npmignore` when the project has one (npm then reads it instead), so that run data is neither
 * committed nor published. Nothing the project has is overwritten. The templates are copied as
 * they are: no user text goes into them. Throws InitError when the folder or its package.json
 * cannot be used.
 */
export function initProject(dir: string): InitResult {
  const root = path.resolve(dir);
  if (existsSync(root) && !statSync(root).isDirectory()) throw new InitError(`${dir} is not a folder; give the project's folder (default: the current one)`);
  mkdirSync(root, { recursive: true });
  const result: InitResult = { dir: root, created: [], updated: [], skipped: [], install: [] };

  const templates = path.join(wfkitPackage().root, "templates", "init");
  for (const file of templateFiles(templates)) {
    const target = path.join(root, file);
    if (existsSync(target)) {
      result.skipped.push(file);
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(path.join(templates, file)));
    result.created.push(file);
  }

  const pkgFile = path.join(root, "package.json");
  const had = existsSync(pkgFile);
  let pkg: Record<string, unknown>;
  try {
    pkg = had ? (JSON.parse(readFileSync(pkgFile, "utf8")) as Record<string, unknown>) : { name: packageName(root), version: "0.1.0", private: true, type: "module" };
  } catch (error) {
    throw new InitError(`cannot read ${pkgFile}: ${errorMessage(error)}; fix it (npm needs it to be JSON) and run wf init again`, { cause: error });
  }
  if (typeof pkg !== "object" || pkg === null || Array.isArray(pkg)) throw new InitError(`${pkgFile} is not a JSON object; fix it and run wf init again`);
  const before = JSON.stringify(pkg);
  const scripts = isObject(pkg["scripts"]) ? pkg["scripts"] : {};
  // npm init -y writes a test script that only fails: replace that one, keep any other.
  if (scripts["test"] === undefined || /no test specified/.test(String(scripts["test"]))) scripts["test"] = "vitest run";
  scripts["validate"] ??= "wf validate .";
  pkg["scripts"] = scripts;
  pkg["wfkit"] ??= { workflows: ["src/workflows/*.ts"] };
  if (!had || JSON.stringify(pkg) !== before) {
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
    (had ? result.updated : result.created).push("package.json");
  }

  if (ensureLines(path.join(root, ".gitignore"), ["node_modules/", RUN_FOLDER], true)) result.updated.push(".gitignore");
  if (ensureLines(path.join(root, ".npmignore"), [RUN_FOLDER], false)) result.updated.push(".npmignore");

  const has = (name: string) => [pkg["dependencies"], pkg["devDependencies"], pkg["peerDependencies"]].some((deps) => isObject(deps) && name in deps);
  const missing = DEPENDENCIES.filter((name) => !has(name));
  const missingDev = DEV_DEPENDENCIES.filter((name) => !has(name));
  if (!has("wfkit")) result.install.push("npm install wfkit");
  if (missing.length > 0) result.install.push(`npm install ${missing.join(" ")}`);
  if (missingDev.length > 0) result.install.push(`npm install --save-dev ${missingDev.join(" ")}`);
  return result;
}

function templateFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? templateFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** npm's rules for a new package's name, from the folder's: lower case, URL-safe characters. */
function packageName(root: string): string {
  const name = path.basename(root).toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "");
  return name === "" ? "workflows" : name.slice(0, 214);
}

/**
 * Add each of `lines` the file lacks (a line equal to it, with or without its trailing slash);
 * `create`: make the file when missing. Returns whether the file changed.
 */
function ensureLines(file: string, lines: readonly string[], create: boolean): boolean {
  if (!existsSync(file) && !create) return false;
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, "").replace(/\/$/, "")));
  const add = lines.filter((line) => !present.has(line.replace(/\/$/, "")));
  if (add.length === 0) return false;
  writeFileSync(file, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${add.join("\n")}\n`);
  return true;
}
