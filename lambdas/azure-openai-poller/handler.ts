/**
 * azure-openai-poller: invoked every minute by EventBridge Scheduler. Thin: settings from the
 * environment, wiring in runtime.ts, the work in poll.ts.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import { PollerSettingsSchema, SETTINGS_ENV_VAR } from "../../core/contracts/azure-openai-poller-settings";
import { jsonVariable, readEnvironment } from "../shared/environment";
import { powertoolsLog } from "../shared/log";
import { createPoller, type Poller } from "./runtime";

const logger = new Logger({ serviceName: "azure-openai-poller" });
let poller: Poller | undefined;

/** Written by lib/azure-openai at synth time. */
function settings() {
  return readEnvironment("azure-openai-poller", z.object({ [SETTINGS_ENV_VAR]: jsonVariable(PollerSettingsSchema) }))[SETTINGS_ENV_VAR];
}

export async function handler(): Promise<{ published: number; errors: number; stalenessSeconds: number }> {
  poller ??= createPoller(settings(), {
    log: powertoolsLog(logger),
  });
  const summary = await poller.poll(Date.now());
  return { published: summary.published, errors: summary.errors.length, stalenessSeconds: summary.stalenessSeconds };
}
