/**
 * The TelemetryPipeline construct synthesised alone (as `cdk synth` does, with cdk-nag), and its
 * template normalised for comparison: the Lambda bundle's content hash is replaced, because the
 * ingest's code changes independently of the resources the template declares.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { EnvironmentConfig } from "../../../core/config/schema";
import { TelemetryPipeline } from "../../../lib/telemetry/telemetry-pipeline";

export function synthPipeline(config: EnvironmentConfig) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-telemetry-")) });
  const stack = new Stack(app, `FleetWatch-${config.name}`, { env: { account: config.account, region: config.region } });
  const pipeline = new TelemetryPipeline(stack, "Telemetry", { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  return { pipeline, template: Template.fromStack(stack) };
}

/** The template as JSON text with asset hashes replaced by a placeholder. */
export function normalisedTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, "<asset-hash>$1");
  return JSON.parse(text);
}
