import { execFile } from "node:child_process";
import { InstallNpmError } from "./errors.js";

/** Run npm with `args` in `cwd`; resolves to stdout, rejects with an InstallNpmError carrying npm's stderr. */
export function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("npm", [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve(stdout);
        return;
      }
      const why = stderr.split("\n").filter((l) => l.trim() !== "" && !l.includes("Unknown user config")).slice(-15).join("\n");
      reject(
        new InstallNpmError(
          `npm ${args.join(" ")} failed in ${cwd}:\n${why || error.message}\nnpm's output above says why; check the package spec and that the npm registry is reachable, then run wf install again`,
          { cause: error },
        ),
      );
    });
  });
}
