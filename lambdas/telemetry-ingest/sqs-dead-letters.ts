/**
 * DeadLetterWriter on SQS (adapter). SendMessageBatch, 10 messages per call; an entry SQS
 * reports as failed (or a call that throws) is returned so its Kinesis record is retried.
 */
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetter, DeadLetterWriter } from "./dead-letters";

export class SqsDeadLetterWriter implements DeadLetterWriter {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<{ failed: readonly DeadLetter[] }> {
    const failed: DeadLetter[] = [];
    for (let i = 0; i < letters.length; i += 10) {
      const chunk = letters.slice(i, i + 10);
      try {
        const out = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((letter, j) => ({
              Id: String(j),
              MessageBody: JSON.stringify(letter),
              MessageAttributes: { stage: { DataType: "String", StringValue: letter.stage } },
            })),
          }),
        );
        for (const f of out.Failed ?? []) failed.push(chunk[Number(f.Id)] as DeadLetter);
      } catch {
        failed.push(...chunk);
      }
    }
    return { failed };
  }
}
