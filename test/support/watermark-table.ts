/**
 * The Azure poller's watermark table on dynalite, with the key schema the construct deploys
 * (lambdas/azure-openai-poller/adapters/dynamodb-watermark.ts).
 */
import { PARTITION_KEY, SORT_KEY } from "../../lambdas/azure-openai-poller/adapters/dynamodb-watermark";
import { type DynaliteTable, startDynaliteTable } from "./dynalite-table";

export type WatermarkTable = DynaliteTable;

export function startWatermarkTable(table: string): Promise<WatermarkTable> {
  return startDynaliteTable(table, { name: PARTITION_KEY, type: "S" }, { name: SORT_KEY, type: "N" });
}
