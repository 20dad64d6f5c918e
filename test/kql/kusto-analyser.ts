/**
 * Microsoft's KQL parser (@kusto/language-service-next, a Bridge.NET build of Kusto.Language)
 * loaded once per test file. Its scripts publish globals: `bridge` first, then the package.
 */
import { createRequire } from "node:module";
import { kustoSchemaString } from "../../core/kql/schemas";
import type { KqlTable } from "../../core/kql/types";

export interface KustoDiagnostic {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly start: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the Bridge.NET globals are untyped at runtime.
type Kusto = any;

let kusto: Kusto | undefined;

function load(): Kusto {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    require("@kusto/language-service-next/bridge");
    require("@kusto/language-service-next");
    kusto = (globalThis as { Kusto?: Kusto }).Kusto;
    if (!kusto?.Language?.KustoCode) throw new Error("@kusto/language-service-next did not publish the Kusto global");
  }
  return kusto;
}

/** Parses and semantically analyses `query` against a database holding exactly `tables`. */
export function analyse(query: string, tables: readonly KqlTable[]): KustoDiagnostic[] {
  return analyseWithResult(query, tables).diagnostics;
}

export interface KustoAnalysis {
  readonly diagnostics: KustoDiagnostic[];
  /** Columns of the query's tabular result (name -> Kusto type name); empty if not tabular. */
  readonly resultColumns: Record<string, string>;
}

export function analyseWithResult(query: string, tables: readonly KqlTable[]): KustoAnalysis {
  const K = load();
  const symbols = K.Language.Symbols;
  const tableSymbols = tables.map((table) => new symbols.TableSymbol.$ctor7(table, kustoSchemaString(table), null));
  const database = new symbols.DatabaseSymbol.$ctor2("fleetwatch", null, tableSymbols);
  const globals = K.Language.GlobalState.Default.WithCluster(new symbols.ClusterSymbol.$ctor1("loganalytics", [database])).WithDatabase(
    database,
  );
  const code = K.Language.KustoCode.ParseAndAnalyze(query, globals);
  const diagnostics = code.GetDiagnostics();
  const result: KustoDiagnostic[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    result.push({ severity: String(d.Severity), code: String(d.Code), message: String(d.Message), start: Number(d.Start) });
  }
  const resultColumns: Record<string, string> = {};
  const columns = code.ResultType?.Columns;
  for (let i = 0; columns && i < columns.Count; i++) {
    const column = columns.getItem(i);
    resultColumns[String(column.Name)] = String(column.Type?.Name);
  }
  return { diagnostics: result, resultColumns };
}

export const errorsOf = (diagnostics: readonly KustoDiagnostic[]) => diagnostics.filter((d) => d.severity === "Error");
