import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/fast-check-seed.ts"],
    // Synth-heavy and emulator tests are slow on 2 cores; no test may depend on wall-clock speed.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default", "./test/support/plain-summary-reporter.ts"],
  },
});
