/**
 * The redfish-poller reads its environment once, at cold start, through the shared zod helper
 * (lambdas/shared/environment.ts): a missing variable fails the first invocation naming it.
 */
import { expect, test, vi } from "vitest";

async function coldStart(env: Record<string, string | undefined>) {
  const saved = { ...process.env };
  vi.resetModules();
  delete process.env.STREAM_NAME;
  delete process.env.FLEETWATCH_INVENTORY_FILE;
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  try {
    return await import("../../lambdas/redfish-poller/handler");
  } finally {
    process.env = saved;
  }
}

test("with STREAM_NAME the handler loads; without it the cold start fails naming the variable", async () => {
  await expect(coldStart({ STREAM_NAME: "fleetwatch-dev-telemetry" })).resolves.toHaveProperty("handler");
  await expect(coldStart({})).rejects.toThrow(/redfish-poller environment: STREAM_NAME/);
  await expect(coldStart({ STREAM_NAME: "" })).rejects.toThrow(/redfish-poller environment: STREAM_NAME: the telemetry stream's name/);
});
