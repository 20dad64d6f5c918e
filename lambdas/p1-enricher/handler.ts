/**
 * p1-enricher: subscribed to the P1 topic; forwards every P1 notification to the PagerDuty
 * delivery topic, naming the offending node/GPU for fleet alarms (docs/alarms.md).
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { SNSEvent } from "aws-lambda";
import { alarmStateReader } from "./alarm-state";
import { readSnapshotWindow } from "./kinesis-window";
import { forwardPage } from "./page";

const logger = new Logger();
const sns = new SNSClient({});
const kinesis = new KinesisClient({});
const currentState = alarmStateReader();
const deliveryTopicArn = process.env.DELIVERY_TOPIC_ARN ?? "";
const streamName = process.env.TELEMETRY_STREAM_NAME;
const windowMinutes = Number(process.env.WINDOW_MINUTES ?? "10");

export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const result = await forwardPage(record.Sns.Subject ?? undefined, record.Sns.Message, {
      windowMinutes,
      currentState,
      ...(streamName
        ? {
            readWindow: (cluster: string, from: Date, to: Date) =>
              readSnapshotWindow(kinesis, streamName, { from, to, cluster, budgetMs: 15_000, maxSnapshots: 20_000 }),
          }
        : {}),
      publish: async (subject, message) => {
        await sns.send(new PublishCommand({ TopicArn: deliveryTopicArn, Subject: subject, Message: message }));
      },
      log: (message, fields) => logger.warn(message, fields),
    });
    logger.info("forwarded P1 page", { subject: result.subject, offenders: result.offenders });
  }
}
