/**
 * The Azure poller's watermark table on dynalite, with the key schema the construct deploys
 * (lambdas/azure-openai-poller/adapters/dynamodb-watermark.ts).
 */
import { WATERMARK_TABLE_KEYS } from "../core/contracts/table-keys";
import { type DynaliteTable, startDynaliteTable } from "./dynalite-table";

export type WatermarkTable = DynaliteTable;

export function startWatermarkTable(table: string): Promise<WatermarkTable> {
  return startDynaliteTable(
    table,
    { name: WATERMARK_TABLE_KEYS.partitionKey, type: "S" },
    { name: WATERMARK_TABLE_KEYS.sortKey, type: "N" },
  );
}
