import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload, type SourceMapping } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { wfkitPackage } from "../util/package-info.js";
import { displayPath } from "../util/display-path.js";

/*
 * Code positions with Node's own, documented machinery — no logging library involved:
 *
 * - the frames come from `error.stack`, the text V8 writes ("    at fn (file:line:column)"), read
 *   as whatever formatter is installed wrote it: Node's own, which maps positions through source
 *   maps once they are enabled (tsx enables them and gives every TypeScript module a map; so does
 *   `--enable-source-maps`), or a test runner's;
 * - a frame still in compiled JavaScript is recognised by its file on disk ending with a
 *   `//# sourceMappingURL=` comment (a file Node has mapped shows as its original source, which
 *   has none), and is mapped through that map with `node:module`'s `SourceMap.findEntry`.
 *
 * `module.findSourceMap(path)` is not used: without source maps enabled it returns nothing, and
 * with tsx it returns tsx's map of a .ts file whose frames Node has already mapped — applying it
 * again would move the line.
 *
 * Why not tslog, which did the same (stack text, then the map a file declares): its stack parser
 * was reachable only through an undocumented export (`createNodeEnvironment().getErrorTrace`).
 * tslog's documented way to a position is a log record's `_logMeta.path`: one frame, picked by
 * its own rules, where wfkit needs all of them (the user's frame outside node_modules, else inside,
 * across an error's causes). It also skips source maps when NODE_ENV=production, and its Node
 * entry made this lazily loaded chunk 48 KB instead of about 5.
 */

/** Where a log call or a throw was made, in the user's source (source-mapped). */
export interface CodePosition {
  file: string;
  line: number;
  function: string | undefined;
}

/** One frame of a stack: its file (a path or file URL, as the stack shows it) and 1-based position. */
interface Frame {
  file: string;
  line: number;
  column: number;
  function: string | undefined;
}

// "    at fn (file:line:column)" or "    at file:line:column"; the file may hold ":" and " (".
const FRAME = /^\s*at (?:(.*?) \((.+):(\d+):(\d+)\)|(.+):(\d+):(\d+))$/;

function parseFrame(text: string): Frame | undefined {
  const m = FRAME.exec(text);
  if (m === null) return undefined;
  const named = m[2] !== undefined;
  const fn = named ? m[1]!.replace(/^async /, "") : undefined;
  return {
    // "at async file:line:column" is an anonymous async frame, not a file named "async …".
    file: named ? m[2]! : m[5]!.replace(/^async /, ""),
    line: Number(named ? m[3] : m[6]),
    column: Number(named ? m[4] : m[7]),
    function: fn || undefined,
  };
}

let ownFrames: RegExp[] | undefined;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Frames of wfkit itself (its dist/ or, in wfkit's own tests, its sources). */
function internalFrames(): RegExp[] {
  if (ownFrames) return ownFrames;
  const root = escapeRegExp(wfkitPackage().root + path.sep);
  // Another copy of wfkit (a workflow package's own dependency) counts as wfkit too.
  return (ownFrames = [
    new RegExp(`^(?:file://)?${root}(?:dist|src|engines|build-utils)[\\\\/]`),
    /node_modules[\\/](?:wfkit|tsx)[\\/]/,
  ]);
}

function isCodeFile(file: string): boolean {
  // Node's own code; code run by eval ("eval at fn (file:1:2), <anonymous>") has no file.
  if (file.startsWith("node:") || file.startsWith("internal/") || file.startsWith("eval at ") || file === "<anonymous>") return false;
  return !internalFrames().some((re) => re.test(file));
}

/** A file as a path: file URLs converted, anything else (a path already) as it is. */
function toPath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return decodeURIComponent(file.slice(7));
  }
}

let shown = new Map<string, string>();
let shownFor = "";

/** A path or file URL relative to the current directory when it is inside it, else absolute. */
export function displayFile(file: string): string {
  // Remembered per file (a logger with positions asks on every line), while the directory stays.
  const cwd = process.cwd();
  if (cwd !== shownFor) [shown, shownFor] = [new Map(), cwd];
  let display = shown.get(file);
  if (display === undefined) shown.set(file, (display = displayPath(cwd, toPath(file))));
  return display;
}

/** A generated file's source map and the URL its `sources` are relative to. */
interface LoadedMap {
  map: SourceMap;
  /** `sourceRoot` applied, as a base URL for `sources`. */
  base: URL;
}

/** Per file as stacks show it: its declared source map, or null when it declares none (or a bad one). */
const maps = new Map<string, LoadedMap | null>();

// The last `//# sourceMappingURL=…` (or the older `//@`) comment of a file, per the source map spec.
const MAPPING_URL = /\/[*/][#@]\s*sourceMappingURL=([^\s*'"]+)\s*(?:\*\/\s*)?$/gm;

function declaredMap(file: string): LoadedMap | null {
  let loaded = maps.get(file);
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    const filePath = toPath(file);
    if (path.isAbsolute(filePath)) {
      const source = readFileSync(filePath, "utf8");
      let url: string | undefined;
      for (const m of source.matchAll(MAPPING_URL)) url = m[1];
      if (url !== undefined) {
        const mapUrl = new URL(url, pathToFileURL(filePath));
        const text =
          mapUrl.protocol === "data:" ? dataUrlText(mapUrl.href) : mapUrl.protocol === "file:" ? readFileSync(mapUrl, "utf8") : undefined;
        if (text !== undefined) {
          const payload = JSON.parse(text) as SourceMapPayload;
          const root = payload.sourceRoot ? payload.sourceRoot.replace(/\/?$/, "/") : "";
          // An inline map's sources are relative to the file itself.
          const base = new URL(root, mapUrl.protocol === "data:" ? pathToFileURL(filePath) : mapUrl);
          loaded = { map: new SourceMap(payload), base };
        }
      }
    }
  } catch {
    // Unreadable file or map, malformed JSON: keep the position the stack shows.
    loaded = null;
  }
  maps.set(file, loaded);
  return loaded;
}

function dataUrlText(href: string): string {
  const comma = href.indexOf(",");
  const data = href.slice(comma + 1);
  return /;base64$/i.test(href.slice(0, comma)) ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data);
}

/** The frame mapped through the source map its file declares; as it is when there is none. */
function mapped(frame: Frame): Frame {
  const loaded = declaredMap(frame.file);
  if (loaded === null) return frame;
  const entry = loaded.map.findEntry(frame.line - 1, frame.column - 1) as Partial<SourceMapping>;
  // No mapping on this very line (findEntry falls back to an earlier one): not the user's line.
  if (entry.originalSource === undefined || entry.generatedLine !== frame.line - 1) return frame;
  let file = entry.originalSource;
  try {
    const url = new URL(file, loaded.base);
    if (url.protocol === "file:") file = fileURLToPath(url);
  } catch {
    // A source that is no URL at all: show it as the map names it.
  }
  return { file, line: entry.originalLine! + 1, column: entry.originalColumn! + 1, function: frame.function };
}

function toPosition(frame: Frame): CodePosition {
  return { file: displayFile(frame.file), line: frame.line, function: frame.function };
}

/**
 * The user's frame of `stack` (innermost first), source-mapped: the first that is not wfkit's,
 * Node's or in node_modules (`strict`); else, since a workflow package installed on a worker
 * lives in node_modules itself, the first that is not wfkit's or Node's.
 */
function userFrame(stack: string | undefined): { frame: Frame | undefined; strict: boolean } {
  let fallback: Frame | undefined;
  if (typeof stack !== "string") return { frame: undefined, strict: false };
  for (const text of stack.split("\n")) {
    const raw = parseFrame(text);
    if (raw === undefined || !isCodeFile(raw.file)) continue;
    const frame = mapped(raw);
    if (frame !== raw && !isCodeFile(frame.file)) continue; // wfkit bundled into the user's code
    if (!/[\\/]node_modules[\\/]/.test(frame.file)) return { frame, strict: true };
    fallback ??= frame;
  }
  return { frame: fallback, strict: false };
}

/** `error.stack`, read defensively: a getter may throw, a value may be anything. */
function stackOf(error: Error): string | undefined {
  try {
    const stack: unknown = error.stack;
    return typeof stack === "string" ? stack : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The caller of a log method: the user's frame of the current stack, mapped through source maps
 * to the TypeScript line. None for wfkit's own lines. Costly (a stack is captured and formatted):
 * used only when a format or WF_LOG_METADATA asks for file, line or function.
 */
export function callerPosition(): CodePosition | undefined {
  const { frame } = userFrame(new Error().stack);
  return frame === undefined ? undefined : toPosition(frame);
}

/**
 * Where `error` was thrown in the user's code: the user's frame of its stack, else of its
 * causes' stacks; source-mapped.
 */
export function thrownAt(error: unknown): CodePosition | undefined {
  let fallback: Frame | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 32 && current instanceof Error; depth++) {
    const { frame, strict } = userFrame(stackOf(current));
    if (frame !== undefined && strict) return toPosition(frame);
    fallback ??= frame;
    current = (current as { cause?: unknown }).cause;
  }
  return fallback === undefined ? undefined : toPosition(fallback);
}
