import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { errorMessage } from "../../src/engine.js";
import { removeStaleTemporaries, temporaryPath } from "./temporary-name.js";
import { OutputPathError, OutputWriteError } from "./errors.js";
import { checkOutputFiles, outputBytes, type OutputFile } from "./output-file.js";

/**
 * Write all files or none. Paths are checked first (see checkOutputFiles) and every file is
 * staged in a temporary directory next to `outDir`, on the same file system; only then is
 * anything moved into place:
 *
 * - `outDir` missing: the staged directory is renamed to `outDir` in one step.
 * - `outDir` present: each file is renamed into place. Each rename is atomic (a reader sees the
 *   old file or the new one, never a partial one) but the set is not: if a rename fails, those
 *   done are undone (replaced files restored, new files and directories removed). Callers
 *   validate and render everything before calling this, so a failure here is an I/O failure.
 *
 * Files not named are left alone. On any error the staging directory is removed and
 * OutputPathError (a refused path) or OutputWriteError (I/O) is thrown. Returns the absolute
 * paths written, in the order given.
 */
export async function writeFilesAtomically(outDir: string, files: readonly OutputFile[]): Promise<string[]> {
  checkOutputFiles(files);
  const target = path.resolve(outDir);
  const existing = await statOrUndefined(target);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new OutputPathError(`output directory ${target} exists and is not a directory; choose another output directory or remove it`);
  }
  if (existing !== undefined) await checkTargets(target, files);
  const written = files.map((f) => path.join(target, ...f.path.split("/")));

  const parent = path.dirname(target);
  const staging = temporaryPath(target, "staging");
  let createdParent: string | undefined;
  try {
    createdParent = await fs.mkdir(parent, { recursive: true });
    await removeStaleTemporaries(target);
    await fs.mkdir(staging);
  } catch (error) {
    if (createdParent !== undefined) await removeEmptyTree(createdParent);
    throw new OutputWriteError(`cannot create a staging directory next to ${target}: ${errorMessage(error)}; check that ${parent} is writable`, { cause: error });
  }
  try {
    const stagedRoot = path.join(staging, "out");
    await fs.mkdir(stagedRoot);
    await stageFiles(stagedRoot, files, target);
    if (existing === undefined) {
      await renameNewDirectory(stagedRoot, target);
    } else {
      await moveIntoPlace(stagedRoot, path.join(staging, "backup"), target, files);
    }
  } catch (error) {
    await removeStaging(staging);
    // Parents made for a new output directory go too: the tree is left as it was.
    if (createdParent !== undefined) await removeEmptyTree(createdParent);
    throw error;
  }
  await removeStaging(staging);
  return written;
}

async function removeStaging(staging: string): Promise<void> {
  await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
}

/** Files written (and synced) at once: each waits on the disk in fsync, not on the CPU. */
const STAGING_CONCURRENCY = 32;

/** Write every file into the staging tree, several at a time; the first failure is thrown once all have settled. */
async function stageFiles(stagedRoot: string, files: readonly OutputFile[], target: string): Promise<void> {
  const staged = files.map((file) => path.join(stagedRoot, ...file.path.split("/")));
  for (const dir of new Set(staged.map((f) => path.dirname(f)))) {
    if (dir === stagedRoot) continue;
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (error) {
      const relative = path.relative(stagedRoot, dir);
      throw new OutputWriteError(`cannot create folder ${relative} (for ${target}): ${errorMessage(error)}; nothing was written`, { cause: error });
    }
  }
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < files.length) {
      const i = next++;
      try {
        await stageFile(staged[i]!, files[i]!, target);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAGING_CONCURRENCY, files.length) }, worker));
  if (failure !== undefined) throw failure;
}

async function stageFile(staged: string, file: OutputFile, target: string): Promise<void> {
  try {
    const handle = await fs.open(staged, "wx");
    try {
      await handle.writeFile(outputBytes(file));
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new OutputWriteError(`cannot write ${file.path} (for ${target}): ${errorMessage(error)}; nothing was written`, { cause: error });
  }
}

async function renameNewDirectory(stagedRoot: string, target: string): Promise<void> {
  try {
    await fs.rename(stagedRoot, target);
  } catch (error) {
    throw new OutputWriteError(`cannot move the staged files to ${target}: ${errorMessage(error)}; nothing was written (did something else create ${target} meanwhile?)`, {
      cause: error,
    });
  }
}

interface Move {
  destination: string;
  /** A hard link to (or copy of) the file it replaced, to put back on failure. */
  backup?: string;
  placed: boolean;
}

async function moveIntoPlace(stagedRoot: string, backupRoot: string, target: string, files: readonly OutputFile[]): Promise<void> {
  const moves: Move[] = [];
  const createdDirs: string[] = [];
  try {
    for (const file of files) {
      const segments = file.path.split("/");
      const destination = path.join(target, ...segments);
      const created = await fs.mkdir(path.dirname(destination), { recursive: true });
      if (created !== undefined) createdDirs.push(created);
      const move: Move = { destination, placed: false };
      if ((await statOrUndefined(destination)) !== undefined) {
        move.backup = path.join(backupRoot, ...segments);
        await fs.mkdir(path.dirname(move.backup), { recursive: true });
        await fs.link(destination, move.backup).catch(() => fs.copyFile(destination, move.backup!));
      }
      moves.push(move);
      await fs.rename(path.join(stagedRoot, ...segments), destination);
      move.placed = true;
    }
  } catch (error) {
    const left = await undo(moves, createdDirs);
    const detail = left.length === 0 ? `${target} was left as it was` : `could not restore ${left.join(", ")}: restore them from version control or export again`;
    throw new OutputWriteError(`cannot move the exported files into ${target}: ${errorMessage(error)}; ${detail}`, { cause: error });
  }
}

/** Put back what was moved, newest first; returns the files it could not restore. */
async function undo(moves: Move[], createdDirs: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const move of [...moves].reverse()) {
    try {
      if (move.backup !== undefined) await fs.rename(move.backup, move.destination);
      else if (move.placed) await fs.rm(move.destination, { force: true });
    } catch {
      left.push(move.destination);
    }
  }
  for (const dir of [...createdDirs].reverse()) await removeEmptyTree(dir);
  return left;
}

/** Remove `dir` and the directories below it, if they hold no file. */
async function removeEmptyTree(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyTree(path.join(dir, entry.name));
  await fs.rmdir(dir).catch(() => undefined);
}

/** Refuse targets that are directories, and parents inside `target` that are files or symbolic links (which could lead outside it). */
async function checkTargets(target: string, files: readonly OutputFile[]): Promise<void> {
  for (const file of files) {
    const segments = file.path.split("/");
    for (let i = 1; i <= segments.length; i++) {
      const current = path.join(target, ...segments.slice(0, i));
      const stats = await lstatOrUndefined(current);
      if (stats === undefined) break;
      const last = i === segments.length;
      if (!last && !stats.isDirectory()) {
        throw new OutputPathError(`cannot write ${file.path}: ${current} is ${stats.isSymbolicLink() ? "a symbolic link" : "a file"}, not a directory; remove it or change the output path`);
      }
      if (last && !stats.isFile()) {
        throw new OutputPathError(`cannot write ${file.path}: ${current} exists and is not a regular file; remove it or change the output path`);
      }
    }
  }
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  return fs.stat(p).catch(() => undefined);
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  return fs.lstat(p).catch(() => undefined);
}
