import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  resolve: {
    // Tests import "wfkit" exactly as users do; inside this repo that resolves to the sources,
    // so unit tests need no build. (Tests that spawn `wf` use the built dist/.)
    alias: [
      { find: /^wfkit$/, replacement: `${root}src/index.ts` },
      { find: /^wfkit\/engine$/, replacement: `${root}src/engine.ts` },
      { find: /^wfkit\/local$/, replacement: `${root}engines/local/index.ts` },
      { find: /^wfkit\/airflow$/, replacement: `${root}engines/airflow/index.ts` },
      { find: /^wfkit\/notebook$/, replacement: `${root}engines/notebook/index.ts` },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Find or build the real-Airflow venvs and Jupyter with the tslab kernel; tests read the
    // results with airflowAvailability() and jupyterAvailability().
    globalSetup: ["test/airflow.global-setup.ts", "test/jupyter.global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
