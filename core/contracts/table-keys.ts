/**
 * Key schemas of FleetWatch's DynamoDB tables: the construct creates the table with these names
 * and the Lambda adapter reads and writes them, so both import them from here.
 */

/** The Azure OpenAI poller's watermark table: one item per (environment, scope, minute). */
export const WATERMARK_TABLE_KEYS = { partitionKey: "pk", sortKey: "minute", ttlAttribute: "expiresAt" } as const;

/** The incident recorder's table: one item per alarm name. */
export const INCIDENT_TABLE_KEYS = { partitionKey: "alarmName", ttlAttribute: "expiresAt" } as const;
