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
      { find: /^wfkit\/local$/, replacement: `${root}engines/local/index.ts` },
      { find: /^wfkit\/airflow$/, replacement: `${root}engines/airflow/index.ts` },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Finds or builds the real-Airflow venvs; tests read the result with airflowAvailability().
    globalSetup: ["test/airflow.global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
