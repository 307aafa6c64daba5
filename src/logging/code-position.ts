import path from "node:path";
import * as tslog from "tslog";
import { wfkitPackage } from "../util/package-info.js";

/** Where a log call or a throw was made, in the user's source (source-mapped). */
export interface CodePosition {
  file: string;
  line: number;
  function: string | undefined;
}

/** The part of tslog's Node environment provider used here: stack parsing with source maps. */
interface Environment {
  getCallerStackFrame(callerFrame: number, error?: Error, internalFramePatterns?: RegExp[]): Frame;
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

/** A path relative to the current directory when it is inside it, else as it is. */
export function displayFile(file: string): string {
  const plain = file.startsWith("file://") ? decodeURIComponent(file.slice(7)) : file;
  const rel = path.relative(process.cwd(), plain);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : plain;
}

interface Frame {
  fullFilePath?: string | undefined;
  filePath?: string | undefined;
  fileLine?: string | undefined;
  method?: string | undefined;
}

function toPosition(frame: Frame): CodePosition | undefined {
  const full = frame.fullFilePath?.replace(/:\d+(?::\d+)?$/, "") ?? frame.filePath;
  if (!full || !frame.fileLine) return undefined;
  return { file: displayFile(full), line: Number(frame.fileLine), function: frame.method || undefined };
}

function isCodeFrame(frame: Frame): boolean {
  const file = frame.fullFilePath ?? frame.filePath ?? "";
  if (file === "" || file.startsWith("node:") || file.startsWith("internal/")) return false;
  return !internalFrames().some((re) => re.test(file));
}

function inNodeModules(frame: Frame): boolean {
  return /[\\/]node_modules[\\/]/.test(frame.fullFilePath ?? frame.filePath ?? "");
}

/**
 * The caller of a log method: the first stack frame outside wfkit and tslog, mapped through
 * source maps to the user's TypeScript line (tslog resolves the maps). Costly: used only when a
 * format or WF_LOG_METADATA asks for file, line or function.
 */
export function callerPosition(): CodePosition | undefined {
  const frame = env().getCallerStackFrame(Number.NaN, new Error(), internalFrames());
  return toPosition(frame);
}

/**
 * Where `error` was thrown in the user's code: the first frame of its stack (then of its causes')
 * that is not in wfkit, in node_modules or in Node itself; source-mapped. A workflow package
 * installed on a worker lives in node_modules itself: when no frame qualifies, the first one
 * outside wfkit and Node does.
 */
export function thrownAt(error: unknown): CodePosition | undefined {
  let fallback: Frame | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 32 && current instanceof Error; depth++) {
    const frames = env().getErrorTrace(current).filter(isCodeFrame);
    const user = frames.find((f) => !inNodeModules(f));
    if (user) return toPosition(user);
    fallback ??= frames[0];
    current = (current as { cause?: unknown }).cause;
  }
  return fallback === undefined ? undefined : toPosition(fallback);
}
