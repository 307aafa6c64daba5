// No secret leaves a run unmasked: random secrets go in as params (under secret names, marked
// secret in the schema, as a URL password) and are logged, emitted, thrown and summarised; then
// every output of the run is searched for them: result.json, events.jsonl, run.log, the log
// lines, the summary and the --json result, in process and through `wf run`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger, renderRunSummary, runResultToJson } from "wfkit/engine";
import { runLocal } from "wfkit/local";
import { secrets } from "../fixtures/workflows/secrets.js";
import { wf } from "../support/wf-cli.js";

const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** Random secrets: plain tokens, and a URL password with what people type (spaces, "@", ":"). */
const token = fc.stringMatching(/^[A-Za-z0-9_-]{12,24}$/);
const urlPassword = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 @:!$&*+,;=._~-]{10,22}[A-Za-z0-9]$/);
const secretSets = fc.record({ password: token, apiKey: token, conn: token, dbPassword: urlPassword });

type Secrets = { password: string; apiKey: string; conn: string; dbPassword: string };
const paramsOf = (s: Secrets) => ({ password: s.password, apiKey: s.apiKey, conn: s.conn, dsn: `postgres://bob:${s.dbPassword}@db.example:5432/app` });

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .map((file) => ({ file, text: readFileSync(file, "utf8") }));
}

function expectNoSecret(outputs: { where: string; text: string }[], s: Secrets): void {
  for (const { where, text } of outputs) {
    for (const [name, value] of Object.entries(s)) expect(text.includes(value), `${name} ${JSON.stringify(value)} in ${where}`).toBe(false);
  }
}

describe("masking at every exit", () => {
  it("keeps random secrets out of result.json, events.jsonl, run.log, the log lines, the summary and --json (property, in process)", async () => {
    await fc.assert(
      fc.asyncProperty(secretSets, async (s) => {
        const home = mkdtempSync(path.join(tmpdir(), "wfkit-mask-"));
        homes.push(home);
        const lines: string[] = [];
        const logger = createLogger({ level: "debug", format: "json", destination: (line: string) => void lines.push(line) });
        const result = await runLocal(secrets, { home, logger, params: paramsOf(s), retryDelaySeconds: 0, progress: "off", env: {} });
        expect(result.status).toBe("failed");
        const files = filesUnder(result.runDir);
        expect(files.map((f) => path.basename(f.file)).sort()).toEqual(["events.jsonl", "result.json", "run.log"]);
        const outputs = [
          ...files.map((f) => ({ where: f.file, text: f.text })),
          { where: "log lines", text: lines.join("\n") },
          { where: "summary", text: renderRunSummary(result, false) },
          { where: "--json", text: JSON.stringify(runResultToJson(result)) },
        ];
        expectNoSecret(outputs, s);
        // What is not secret still shows, and the masks are where the secrets were.
        const all = outputs.map((o) => o.text).join("\n");
        expect(all).toContain("nothing secret");
        expect(all).toContain("postgres://bob:[masked]@db.example:5432/app");
        expect(JSON.parse(readFileSync(path.join(result.runDir, "result.json"), "utf8")).params).toEqual({
          password: "[masked]",
          apiKey: "[masked]",
          conn: "[masked]",
          dsn: "postgres://bob:[masked]@db.example:5432/app",
          note: "nothing secret",
        });
      }),
      { numRuns: 12 },
    );
  });

  it("keeps them out of everything `wf run` prints and writes (stdout with --json, stderr, the run folder)", async () => {
    const s = { password: "pw-7f3a9c1e2b", apiKey: "key-0d9e8f7a6b", conn: "conn-5c4b3a2918", dbPassword: "p@ss:Bus SECRET x" };
    const p = paramsOf(s);
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-mask-cli-"));
    homes.push(home);
    const args = ["run", "test/fixtures/workflows/secrets.ts", "--json", ...Object.entries(p).flatMap(([k, v]) => ["-p", `${k}=${v}`])];
    const out = await wf(args, { WF_HOME: home, WF_LOG_LEVEL: "debug" });
    expect(out.code).toBe(1);
    const runDir = (JSON.parse(out.stdout) as { runDir: string }).runDir;
    expectNoSecret([{ where: "stdout", text: out.stdout }, { where: "stderr", text: out.stderr }, ...filesUnder(runDir).map((f) => ({ where: f.file, text: f.text }))], s);
    expect(out.stderr).toContain("[masked]");
  });
});

describe("bus URLs with a password people type (a space, an @, a :)", () => {
  // Found by trying to break wfkit: such a URL passed validation and was printed as it was in the
  // bus warnings and in the --debug configuration dump.
  for (const password of ["Bus SECRET", "p@ss:x", "a b@c:d e"]) {
    it(`${JSON.stringify(password)}: neither the --debug configuration dump nor the bus's warnings show it`, async () => {
      const home = mkdtempSync(path.join(tmpdir(), "wfkit-mask-bus-"));
      homes.push(home);
      // Port 1 refuses at once: the run goes on, its events wait in the spool, with a warning naming the broker.
      const url = `amqp://admin:${password}@127.0.0.1:1/`;
      const out = await wf(["run", "examples/diamond.ts", "--debug"], { WF_HOME: home, WF_BUS_URL: url, WF_BUS_SPOOL_DIR: path.join(home, "spool"), WF_BUS_PUBLISH_TIMEOUT: "1" });
      expect(out.code, out.stderr.slice(-1500)).toBe(0);
      const dump = out.stderr.split("\n").find((l) => l.includes('"logger":"wfkit.config"'));
      expect(dump, "the --debug configuration dump").toBeDefined();
      expect(dump).toContain(`"WF_BUS_URL":"amqp://admin:[masked]@127.0.0.1:1/"`);
      // The list of secret key words is shown as it is: it is not a secret.
      expect(dump).toContain(`"WF_LOG_MASK_KEYS":"password,passwd,secret,token,key,credential,authorization"`);
      expect(out.stderr).toContain("amqp://admin:[masked]@127.0.0.1:1/");
      const outputs = [{ where: "stdout", text: out.stdout }, { where: "stderr", text: out.stderr }, ...filesUnder(home).map((f) => ({ where: f.file, text: f.text }))];
      for (const { where, text } of outputs) expect(text.includes(password), `${JSON.stringify(password)} in ${where}`).toBe(false);
    });
  }
});
