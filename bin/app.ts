#!/usr/bin/env node
/**
 * CDK app entry. `npx cdk synth` builds the default environment (cdk.json context env=dev);
 * `-c env=prod` selects config/prod.json.
 */
import { App } from "aws-cdk-lib";
import { ConfigError } from "../core/config/config-error";
import { buildApp } from "../lib/app";
import { loadConfig } from "../lib/config/load";

const app = new App();
const envName = String(app.node.tryGetContext("env") ?? "dev");
try {
  buildApp(loadConfig(envName), app);
  app.synth();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
