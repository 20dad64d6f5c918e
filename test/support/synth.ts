/**
 * Synthesises an environment exactly as `cdk synth` does (same buildApp, cdk-nag included) and
 * returns the stack's template. Synth throws when cdk-nag reports an unacknowledged finding.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { EnvironmentConfig } from "../../core/config/schema";
import { buildApp } from "../../lib/app";
import { loadConfig } from "../../lib/config/load";
import type { FleetWatchStack } from "../../lib/fleetwatch-stack";

export interface Synthesised {
  readonly stack: FleetWatchStack;
  readonly template: Template;
}

const cache = new Map<string, Synthesised>();

export function synthConfig(config: EnvironmentConfig): Synthesised {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "fw-synth-")) });
  const { stack } = buildApp(config, app);
  app.synth();
  return { stack, template: Template.fromStack(stack) };
}

/** Synthesise config/<name>.json once per test file. */
export function synthEnvironment(name: string): Synthesised {
  let hit = cache.get(name);
  if (!hit) {
    hit = synthConfig(loadConfig(name));
    cache.set(name, hit);
  }
  return hit;
}
