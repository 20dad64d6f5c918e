/** Estimated spend from token counts and the configured per-model price table (USD per 1k tokens). */

export interface ModelPrice {
  readonly inputUsdPer1kTokens: number;
  readonly outputUsdPer1kTokens: number;
}

export function estimatedCostUsd(promptTokens: number, generatedTokens: number, price: ModelPrice): number {
  return (promptTokens / 1000) * price.inputUsdPer1kTokens + (generatedTokens / 1000) * price.outputUsdPer1kTokens;
}
