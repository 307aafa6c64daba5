import { execFile } from "node:child_process";
import { InstallError } from "./errors.js";

/** Run npm with `args` in `cwd`; resolves to stdout, rejects with an InstallError carrying npm's stderr. */
export function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("npm", [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve(stdout);
        return;
      }
      const why = stderr.split("\n").filter((l) => l.trim() !== "" && !l.includes("Unknown user config")).slice(-15).join("\n");
      reject(new InstallError(`npm ${args.join(" ")} failed in ${cwd}:\n${why || error.message}`, { cause: error }));
    });
  });
}
