/** Write exported files all or nothing. */
export { writeFilesAtomically } from "./write-files-atomically.js";
export { checkOutputFiles, outputBytes, type OutputFile } from "./output-file.js";
export { OutputError, OutputPathError, OutputWriteError } from "./errors.js";
export { removeStaleTemporaries, temporaryPath } from "./temporary-name.js";
