/**
 * One DynamoDB table on dynalite (a real DynamoDB API emulator) on 127.0.0.1, with the key schema
 * the caller's construct deploys. The watermark and incident tables are built on it.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { LOCAL_AWS } from "./local-aws";

export interface DynaliteTable {
  readonly table: string;
  /** DynamoDB client config (endpoint, region, credentials) for the code under test. */
  readonly config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

export interface TableKey {
  readonly name: string;
  readonly type: "S" | "N";
}

export async function startDynaliteTable(table: string, hash: TableKey, range?: TableKey): Promise<DynaliteTable> {
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...LOCAL_AWS,
  };
  const keys = range ? [hash, range] : [hash];
  const ddb = new DynamoDBClient(config);
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
      KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? "HASH" : "RANGE" })),
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  ddb.destroy();
  return { table, config, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
