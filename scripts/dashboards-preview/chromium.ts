/**
 * Headless Debian chromium for the dashboard preview and its test: installed on demand by
 * scripts/ensure-chromium.sh (apt-get), started through playwright-core with a fresh profile
 * and no background networking, so nothing leaves the machine.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

/** Installs chromium through the project's script when it is missing; throws with the script's output on failure. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const script = resolve(import.meta.dirname, "..", "..", "scripts", "ensure-chromium.sh");
  const run = spawnSync("bash", [script], { encoding: "utf8" });
  if (run.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    throw new Error(`scripts/ensure-chromium.sh could not install chromium (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), "fw-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1240, height: 900 },
    offline: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
