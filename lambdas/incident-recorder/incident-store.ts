/**
 * Open and recently resolved incidents, one DynamoDB item per alarm (partition key alarmName).
 * Writes are conditional on the version read, so two changes of one alarm handled at the same
 * time cannot both apply; the loser re-reads and applies its change on top. Items expire (TTL)
 * a week after they resolve: only the flap window needs them, history lives in the logs.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { INCIDENT_TABLE_KEYS } from "../../core/contracts/table-keys";
import type { IncidentRecord } from "./incidents";

const { partitionKey: PARTITION_KEY, ttlAttribute: TTL_ATTRIBUTE } = INCIDENT_TABLE_KEYS;
const KEEP_RESOLVED_SECONDS = 7 * 86_400;

export interface IncidentStore {
  get(alarmName: string): Promise<IncidentRecord | undefined>;
  /** Stores `next` if the stored item is still `expected` (by lastChangeAt); false when it moved. */
  put(next: IncidentRecord, expected: IncidentRecord | undefined): Promise<boolean>;
}

export class DynamoDbIncidentStore implements IncidentStore {
  private readonly client: DynamoDBClient;
  constructor(
    private readonly table: string,
    config: DynamoDBClientConfig = {},
  ) {
    this.client = new DynamoDBClient(config);
  }

  async get(alarmName: string): Promise<IncidentRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { [PARTITION_KEY]: { S: alarmName } }, ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item?.record?.S) return undefined;
    return JSON.parse(item.record.S) as IncidentRecord;
  }

  async put(next: IncidentRecord, expected: IncidentRecord | undefined): Promise<boolean> {
    const expiresAt =
      next.status === "resolved" && next.resolvedAt !== undefined ? Math.floor(next.resolvedAt / 1000) + KEEP_RESOLVED_SECONDS : undefined;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            [PARTITION_KEY]: { S: next.alarmName },
            lastChangeAt: { N: String(next.lastChangeAt) },
            status: { S: next.status },
            record: { S: JSON.stringify(next) },
            ...(expiresAt !== undefined ? { [TTL_ATTRIBUTE]: { N: String(expiresAt) } } : {}),
          },
          ...(expected
            ? {
                ConditionExpression: "lastChangeAt = :seen",
                ExpressionAttributeValues: { ":seen": { N: String(expected.lastChangeAt) } },
              }
            : { ConditionExpression: `attribute_not_exists(${PARTITION_KEY})` }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
