/**
 * Draws the README's picture of a trace from real spans: runs the traced fixture with `wf run`
 * (the build in dist/) with WF_OTEL on, receives its OTLP export in this process, and writes the
 * text waterfall between the README's trace-picture markers.
 *   npm run build && npx tsx .ci/scripts/trace-picture.ts
 * Timings and ids differ from run to run, so CI does not check it; the integration tests check
 * that a received trace renders (test/integration/telemetry.test.ts).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startOtlpReceiver } from "../../test/support/otlp-receiver.js";
import { renderWaterfall } from "../../test/support/trace-waterfall.js";

const START = "<!-- trace-picture:start -->";
const END = "<!-- trace-picture:end -->";
const root = fileURLToPath(new URL("../..", import.meta.url));
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

const receiver = await startOtlpReceiver();
const home = mkdtempSync(path.join(tmpdir(), "wfkit-trace-picture-"));
try {
  // Not spawnSync: the receiver in this process must answer while the run exports.
  await promisify(execFile)(
    process.execPath,
    [path.join(root, "dist/cli/bin.js"), "run", "test/fixtures/workflows/traced.ts", "-p", "flaky=true", "--traceparent", TRACEPARENT],
    { cwd: root, env: { ...process.env, WF_HOME: home, WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, WF_RETRY_DELAY_SECONDS: "0", WF_PROGRESS: "off", WF_LOG_FORMAT: "json" } },
  );
  const picture = renderWaterfall(receiver.spans(), { width: 32, attributes: ["wfkit.attempt", "wfkit.status"] });
  const readmePath = path.join(root, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no trace-picture markers (${START} … ${END})`);
  writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n\n\`\`\`text\n${picture}\n\`\`\`\n\n${readme.slice(end)}`);
  console.log(picture);
} finally {
  await receiver.close();
  rmSync(home, { recursive: true, force: true });
}
