export { COMPLETION_TOKENS_METRIC, flavourKey, KQL_LIBRARY, PROMPT_TOKENS_METRIC, queryKey, TOKENS_METRIC } from "./library";
export { applicableOverrides, kqlLiteral, renderQuery } from "./render";
export { kustoSchemaString, TABLE_SCHEMAS, type TableSchema } from "./schemas";
export type { KqlAlert, KqlFlavour, KqlParameter, KqlQuery, KqlTable } from "./types";
