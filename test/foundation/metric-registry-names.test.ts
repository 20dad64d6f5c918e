/**
 * Names that do not drift between layers: a metric's registry key is its CloudWatch name with
 * the first letter lowered (GpuTemperatureMaxC -> gpuTemperatureMaxC), so code that says
 * METRICS.gpuTemperatureMaxC reads the same as the console, units and all.
 */
import { expect, it } from "vitest";
import { METRICS } from "../../core/metric-registry";

it("every metric registry key is its CloudWatch name in lower camel case", () => {
  const drifting = Object.entries(METRICS)
    .filter(([key, spec]) => key !== spec.name.charAt(0).toLowerCase() + spec.name.slice(1))
    .map(([key, spec]) => `${key} -> ${spec.name}`);
  expect(drifting).toEqual([]);
});

it("no two metrics share a CloudWatch name", () => {
  const names = Object.values(METRICS).map((m) => m.name);
  expect(new Set(names).size).toBe(names.length);
});
