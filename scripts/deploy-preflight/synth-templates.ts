/**
 * Synthesises one environment's templates the way `cdk synth` does (buildApp, cdk-nag included)
 * but without bundling the Lambda code: the templates are the same apart from asset hashes, and
 * the template checks and the scale benchmark do not need the bundles.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import type { EnvironmentConfig } from "../../core/config/schema";
import { buildApp } from "../../lib/app";

export interface SynthesisedTemplate {
  readonly file: string;
  readonly text: string;
}

export function synthTemplates(config: EnvironmentConfig, outdir = mkdtempSync(join(tmpdir(), "fw-preflight-"))): SynthesisedTemplate[] {
  // CDK skips asset bundling for stacks not listed here ("aws:cdk:bundling-stacks").
  const app = new App({ outdir, context: { "aws:cdk:bundling-stacks": [] } });
  buildApp(config, app);
  app.synth();
  return readdirSync(outdir)
    .filter((f) => f.endsWith(".template.json"))
    .map((f) => ({ file: join(outdir, f), text: readFileSync(join(outdir, f), "utf8") }));
}
