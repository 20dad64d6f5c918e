/**
 * What each Lambda bundle pulls in, read from esbuild's metafile (the bundler FleetWatchFunction
 * uses). The import-direction rule keeps lambdas/ off lib/ and CDK; this checks the result the
 * way it ships: no CDK, no config loader, and the configuration schema only where a handler
 * really validates a whole environment config.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const LAMBDAS = join(import.meta.dirname, "..", "..", "lambdas");
const handlers = readdirSync(LAMBDAS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "shared")
  .map((d) => d.name)
  .sort();

async function bundleInputs(name: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(LAMBDAS, name, "handler.ts")],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: "node22",
    outdir: "/bundle",
    metafile: true,
    logLevel: "silent",
    // The Lambda runtime provides the AWS SDK v3, so FleetWatchFunction leaves it out as well.
    external: ["@aws-sdk/*"],
  });
  return Object.keys(result.metafile.inputs);
}

describe("Lambda bundles", () => {
  it("finds every function's handler", () => {
    expect(handlers).toContain("p1-enricher");
    expect(handlers).toContain("telemetry-ingest");
    expect(handlers.length).toBeGreaterThanOrEqual(8);
  });

  it.each(handlers)("%s bundles no CDK, no lib/ or dashboards/ code and no config loader", async (name) => {
    const inputs = await bundleInputs(name);
    expect(inputs.some((i) => i.startsWith(`lambdas/${name}/`))).toBe(true);
    const forbidden = inputs.filter((i) =>
      /^(lib|dashboards|sim|bench|cost|scripts|test|dev-support)\/|node_modules\/(aws-cdk-lib|constructs|cdk-nag)\//.test(i),
    );
    expect(forbidden).toEqual([]);
  });

  it("the P1 enricher, which pages, carries the catalog but not the environment config schema", async () => {
    const inputs = await bundleInputs("p1-enricher");
    expect(inputs).toContain("core/catalog/signals.ts");
    expect(inputs).not.toContain("core/config/schema.ts");
  });
});
