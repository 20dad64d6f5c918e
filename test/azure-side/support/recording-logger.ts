/** A Powertools Logger whose info, warn and error lines are kept (JSON of their arguments) for assertions. */
import { Logger } from "@aws-lambda-powertools/logger";
import { vi } from "vitest";

export function recordingLogger(serviceName: string, into: string[]): Logger {
  const logger = new Logger({ serviceName });
  for (const level of ["info", "warn", "error"] as const)
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      into.push(JSON.stringify(args));
    });
  return logger;
}
