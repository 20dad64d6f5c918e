/**
 * The Azure poller's watermark table on dynalite (a real DynamoDB API emulator), with the key
 * schema the construct deploys (lambdas/azure-openai-poller/adapters/dynamodb-watermark.ts).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { PARTITION_KEY, SORT_KEY } from "../../lambdas/azure-openai-poller/adapters/dynamodb-watermark";

export interface WatermarkTable {
  readonly table: string;
  /** DynamoDB client config (endpoint, region, credentials) for the poller. */
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

export async function startWatermarkTable(table: string): Promise<WatermarkTable> {
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
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: "S" },
        { AttributeName: SORT_KEY, AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: "HASH" },
        { AttributeName: SORT_KEY, KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  ddb.destroy();
  return { table, config, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
