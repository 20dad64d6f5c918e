/** Alarm state change events for the incident tests, derived from the documented example (fixtures/). */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { PARTITION_KEY } from "../../lambdas/incident-recorder/incident-store";

const example = JSON.parse(readFileSync(new URL("./fixtures/alarm-state-change.json", import.meta.url), "utf8"));

type State = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** CloudWatch's timestamp format: 2026-11-22T10:05:10.123+0000. */
export function cwTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export function stateChange(opts: { alarmName?: string; from: State; to: State; at: number; previousAt: number }): unknown {
  const e = structuredClone(example);
  if (opts.alarmName) {
    e.detail.alarmName = opts.alarmName;
    e.resources = [`arn:aws:cloudwatch:eu-west-1:222222222222:alarm:${opts.alarmName}`];
  }
  e.detail.state.value = opts.to;
  e.detail.state.timestamp = cwTime(opts.at);
  e.detail.previousState.value = opts.from;
  e.detail.previousState.timestamp = cwTime(opts.previousAt);
  e.time = new Date(opts.at).toISOString().replace(/\.\d+Z$/, "Z");
  return e;
}

export async function startIncidentTable(table: string) {
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" },
  };
  const ddb = new DynamoDBClient(config);
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: "S" }],
      KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  ddb.destroy();
  return { table, config, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
