/**
 * The logger port the Lambdas' logic is written against (tests pass a recorder), and its
 * Powertools adapter for the handlers. One port for every Lambda.
 */
import type { Logger } from "@aws-lambda-powertools/logger";

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Structured JSON lines through Powertools Logger; the fields become top-level keys. */
export function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}
