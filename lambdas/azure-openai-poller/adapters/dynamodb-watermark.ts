/**
 * The watermark table: one item per (environment, scope, minute) holding the set of metric
 * names already published for that minute, plus one item with the time Azure was last read
 * successfully. Items expire (TTL) two days after their minute, long after the lookback window.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { WATERMARK_TABLE_KEYS } from "../../../core/contracts/table-keys";
import type { PublishedIndex, WatermarkStore } from "../ports";

const { partitionKey: PARTITION_KEY, sortKey: SORT_KEY, ttlAttribute: TTL_ATTRIBUTE } = WATERMARK_TABLE_KEYS;
const RETENTION_SECONDS = 2 * 86_400;

export class DynamoDbWatermarkStore implements WatermarkStore {
  private readonly client: DynamoDBClient;
  constructor(
    private readonly tableName: string,
    private readonly environment: string,
    config: DynamoDBClientConfig = {},
  ) {
    this.client = new DynamoDBClient(config);
  }

  private pk(scope: string): string {
    return `${this.environment}#${scope}`;
  }

  async readPublished(scopeKeys: readonly string[], fromMinute: number): Promise<PublishedIndex> {
    const index: PublishedIndex = new Map();
    await Promise.all(
      scopeKeys.map(async (scope) => {
        const minutes = new Map<number, Set<string>>();
        let startKey: Record<string, never> | undefined;
        do {
          const out = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: "#pk = :pk AND #m >= :from",
              ExpressionAttributeNames: { "#pk": PARTITION_KEY, "#m": SORT_KEY },
              ExpressionAttributeValues: { ":pk": { S: this.pk(scope) }, ":from": { N: String(fromMinute) } },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of out.Items ?? []) {
            const minute = Number(item[SORT_KEY]?.N);
            minutes.set(minute, new Set(item.published?.SS ?? []));
          }
          startKey = out.LastEvaluatedKey as Record<string, never> | undefined;
        } while (startKey);
        index.set(scope, minutes);
      }),
    );
    return index;
  }

  async claim(scopeKey: string, minute: number, metricNames: readonly string[]): Promise<boolean> {
    const names = [...new Set(metricNames)];
    const values: Record<string, { S: string } | { SS: string[] } | { N: string }> = {
      ":names": { SS: names },
      ":exp": { N: String(Math.floor(minute / 1000) + RETENTION_SECONDS) },
    };
    const conditions = names.map((n, i) => {
      values[`:n${i}`] = { S: n };
      return `NOT contains(#pub, :n${i})`;
    });
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [PARTITION_KEY]: { S: this.pk(scopeKey) }, [SORT_KEY]: { N: String(minute) } },
          UpdateExpression: "ADD #pub :names SET #exp = :exp",
          ConditionExpression: `attribute_not_exists(#pub) OR (${conditions.join(" AND ")})`,
          ExpressionAttributeNames: { "#pub": "published", "#exp": TTL_ATTRIBUTE },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
  }

  async release(scopeKey: string, minute: number, metricNames: readonly string[]): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: { S: this.pk(scopeKey) }, [SORT_KEY]: { N: String(minute) } },
        UpdateExpression: "DELETE #pub :names",
        ExpressionAttributeNames: { "#pub": "published" },
        ExpressionAttributeValues: { ":names": { SS: [...new Set(metricNames)] } },
      }),
    );
  }

  async readLastSuccess(family = "requests"): Promise<number | undefined> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "#pk = :pk AND #m = :zero",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY, "#m": SORT_KEY },
        ExpressionAttributeValues: { ":pk": { S: this.pk(stateScope(family)) }, ":zero": { N: "0" } },
        ConsistentRead: true,
      }),
    );
    const v = out.Items?.[0]?.lastSuccessAt?.N;
    return v === undefined ? undefined : Number(v);
  }

  async writeLastSuccess(at: number, family = "requests"): Promise<void> {
    await this.client
      .send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [PARTITION_KEY]: { S: this.pk(stateScope(family)) }, [SORT_KEY]: { N: "0" } },
          // Never move backwards when two invocations overlap.
          UpdateExpression: "SET lastSuccessAt = :at",
          ConditionExpression: "attribute_not_exists(lastSuccessAt) OR lastSuccessAt < :at",
          ExpressionAttributeValues: { ":at": { N: String(at) } },
        }),
      )
      .catch((err: Error) => {
        if (err.name !== "ConditionalCheckFailedException") throw err;
      });
  }
}

/** The requests family keeps the original "state" item, so an upgrade does not reset staleness. */
function stateScope(family: string): string {
  return family === "requests" ? "state" : `state#${family}`;
}
