import { describe, expect, it } from "vitest";
import { KQL_LIBRARY } from "../../core/kql/library";
import { kqlLiteral, renderQuery } from "../../core/kql/render";

const latency = KQL_LIBRARY.find((q) => q.id === "high-latency-over-slo" && q.flavour === "azureDiagnostics");
if (!latency) throw new Error("missing query");

describe("renderQuery", () => {
  it("binds defaults and overrides as typed lets", () => {
    const text = renderQuery(latency, { sloByDeployment: { "gpt-4o": 6000 }, deploymentFilter: "gpt-4o" });
    expect(text).toContain('let sloByDeployment = dynamic({"gpt-4o":6000});');
    expect(text).toContain('let deploymentFilter = "gpt-4o";');
    expect(text).toContain("let lookback = 1h;");
    expect(text).toContain("let defaultSloMs = real(10000);");
  });

  it("refuses values that would inject KQL or that have the wrong type", () => {
    const timespan = { name: "lookback", type: "timespan", default: "1h", description: "" } as const;
    expect(() => kqlLiteral(timespan, "1h; AzureActivity")).toThrow(/lookback: expected a timespan/);
    const long = { name: "maxRows", type: "long", default: 1, description: "" } as const;
    expect(() => kqlLiteral(long, 1.5)).toThrow(/maxRows: expected an integer/);
    const str = { name: "deploymentFilter", type: "string", default: "", description: "" } as const;
    expect(kqlLiteral(str, 'a" | take 1 //')).toBe('"a\\" | take 1 //"');
    expect(() => renderQuery(latency, { notAParameter: 1 })).toThrow(/no parameter named notAParameter/);
  });
});
