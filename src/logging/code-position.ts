import path from "node:path";
import * as tslog from "tslog";
import { wfkitPackage } from "../util/package-info.js";
import { displayPath } from "../util/display-path.js";

/** Where a log call or a throw was made, in the user's source (source-mapped). */
export interface CodePosition {
  file: string;
  line: number;
  function: string | undefined;
}

/** The part of tslog's Node environment provider used here: stack parsing with source maps. */
interface Environment {
  getErrorTrace(error: Error): Frame[];
}
let environment: Environment | undefined;
let ownFrames: RegExp[] | undefined;

// tslog's Node entry exports its environment provider (stack parsing through source maps), but
// its type declarations are the universal entry's, which does not list it.
function env(): Environment {
  const create = (tslog as unknown as { createNodeEnvironment: () => Environment }).createNodeEnvironment;
  return (environment ??= create());
}

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

/** A path or file URL relative to the current directory when it is inside it, else absolute. */
export function displayFile(file: string): string {
  return displayPath(process.cwd(), file.startsWith("file://") ? decodeURIComponent(file.slice(7)) : file);
}

interface Frame {
  fullFilePath?: string | undefined;
  filePath?: string | undefined;
  fileLine?: string | undefined;
  method?: string | undefined;
}

/** The frame's file, with its position and the `async ` of an anonymous async frame cut off. */
function fileOf(frame: Frame): string {
  return (frame.fullFilePath?.replace(/:\d+(?::\d+)?$/, "") ?? frame.filePath ?? "").replace(/^async /, "");
}

function toPosition(frame: Frame): CodePosition | undefined {
  const file = fileOf(frame);
  if (file === "" || !frame.fileLine) return undefined;
  return { file: displayFile(file), line: Number(frame.fileLine), function: frame.method || undefined };
}

function isCodeFrame(frame: Frame): boolean {
  const file = fileOf(frame);
  if (file === "" || file.startsWith("node:") || file.startsWith("internal/")) return false;
  return !internalFrames().some((re) => re.test(file));
}

/**
 * The user's frame among `frames` (innermost first): the first that is not wfkit's, Node's or in
 * node_modules; else, since a workflow package installed on a worker lives in node_modules
 * itself, the first that is not wfkit's or Node's.
 */
function userFrame(frames: readonly Frame[]): { frame: Frame | undefined; strict: boolean } {
  const code = frames.filter(isCodeFrame);
  const outside = code.find((f) => !/[\\/]node_modules[\\/]/.test(fileOf(f)));
  return outside ? { frame: outside, strict: true } : { frame: code[0], strict: false };
}

/**
 * The caller of a log method: the user's frame of the current stack, mapped through source maps
 * to the TypeScript line (tslog parses the stack and resolves the maps). None for wfkit's own
 * lines. Costly: used only when a format or WF_LOG_METADATA asks for file, line or function.
 */
export function callerPosition(): CodePosition | undefined {
  const { frame } = userFrame(env().getErrorTrace(new Error()));
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
    const { frame, strict } = userFrame(env().getErrorTrace(current));
    if (frame !== undefined && strict) return toPosition(frame);
    fallback ??= frame;
    current = (current as { cause?: unknown }).cause;
  }
  return fallback === undefined ? undefined : toPosition(fallback);
}
