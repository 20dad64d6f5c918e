/**
 * Builds the CDK app for one environment, with cdk-nag's AwsSolutions checks on every synth.
 * Shared by bin/app.ts and the tests, so the tests check exactly what `cdk synth` produces.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { EnvironmentConfig } from "../core/config/schema";
import { FleetWatchStack, stackName } from "./fleetwatch-stack";

export interface FleetWatchApp {
  readonly app: App;
  readonly stack: FleetWatchStack;
}

export function buildApp(config: EnvironmentConfig, app: App = new App()): FleetWatchApp {
  const stack = new FleetWatchStack(app, stackName(config.name), {
    stackName: stackName(config.name),
    env: { account: config.account, region: config.region },
    description: `FleetWatch monitoring for AI infrastructure (${config.name})`,
    config,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
