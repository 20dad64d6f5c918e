/**
 * p1-enricher: subscribed to the P1 topic; forwards every P1 notification to the PagerDuty
 * delivery topic, naming the offending node/GPU for fleet alarms (docs/alarms.md).
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { SNSEvent } from "aws-lambda";
import { z } from "zod";
import { OFFENDER_THRESHOLDS_ENV_VAR, OffenderThresholdsSchema } from "../../core/contracts/p1-enricher-settings";
import { jsonVariable, readEnvironment } from "../shared/environment";
import { powertoolsLog } from "../shared/log";
import { alarmStateReader } from "./alarm-state";
import { readSnapshotWindow } from "./kinesis-window";
import { forwardPage } from "./page";

/** Set by lib/paging/paging-tiers.ts. */
const env = readEnvironment(
  "p1-enricher",
  z.object({
    DELIVERY_TOPIC_ARN: z.string().startsWith("arn:", "the PagerDuty delivery topic's ARN"),
    /** Absent when no telemetry stream is wired: pages then go out without node detail. */
    TELEMETRY_STREAM_NAME: z.string().min(1).optional(),
    WINDOW_MINUTES: z.coerce.number().int().min(1).max(60),
    [OFFENDER_THRESHOLDS_ENV_VAR]: jsonVariable(OffenderThresholdsSchema),
  }),
);
const logger = new Logger();
const sns = new SNSClient({});
const kinesis = new KinesisClient({});
const currentState = alarmStateReader();
const streamName = env.TELEMETRY_STREAM_NAME;

export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const result = await forwardPage(record.Sns.Subject ?? undefined, record.Sns.Message, {
      windowMinutes: env.WINDOW_MINUTES,
      thresholds: env[OFFENDER_THRESHOLDS_ENV_VAR],
      currentState,
      ...(streamName
        ? {
            readWindow: (cluster: string, from: Date, to: Date) =>
              readSnapshotWindow(kinesis, streamName, { from, to, cluster, budgetMs: 15_000, maxSnapshots: 20_000 }),
          }
        : {}),
      publish: async (subject, message) => {
        await sns.send(new PublishCommand({ TopicArn: env.DELIVERY_TOPIC_ARN, Subject: subject, Message: message }));
      },
      log: powertoolsLog(logger),
    });
    logger.info("forwarded P1 page", { subject: result.subject, offenders: result.offenders });
  }
}
