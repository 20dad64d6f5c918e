/**
 * Property-based tests (fast-check) of the normaliser: random and hostile documents, placed
 * where a BMC's real resources would be, never throw and never emit NaN, Infinity, negative
 * counts or a snapshot the contract rejects.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { ComponentSchema } from "../../core/snapshot";
import { loadMockup } from "../../dev-support/redfish-bmc-server";
import { durationSeconds } from "../../lambdas/shared/redfish/iso-duration";
import { normaliseBmc } from "../../lambdas/shared/redfish/normalise/normalise-bmc";
import { canonicalId } from "../../lambdas/shared/redfish/odata";
import { ResourceStore } from "../../lambdas/shared/redfish/resource-store";

const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, -1, 1e308, -1e308, 0x7fff, 65535),
  fc.integer(),
);
const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom("", "Absent", "Enabled", "GPU", "Headroom", "Cel", "RPM", "Percent", "PT0S", "P1DT46.5S", "GPU 3"),
);
const hostileLeaf = fc.oneof(hostileNumber, hostileString, fc.boolean(), fc.constant(null));
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileLeaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Property names the normaliser reads, so random documents actually reach its code paths. */
const keys = fc.constantFrom(
  "Status",
  "State",
  "Health",
  "Reading",
  "ReadingCelsius",
  "ReadingUnits",
  "ReadingType",
  "ReadingBasis",
  "PhysicalContext",
  "Name",
  "Id",
  "MemberId",
  "Temperatures",
  "Fans",
  "PowerControl",
  "PowerConsumedWatts",
  "PowerLimit",
  "LimitInWatts",
  "SetPoint",
  "ControlMode",
  "ControlType",
  "PowerSupplies",
  "ProcessorType",
  "Model",
  "Metrics",
  "EnvironmentMetrics",
  "TemperatureCelsius",
  "PowerWatts",
  "PowerLimitWatts",
  "CacheMetricsTotal",
  "LifeTime",
  "CorrectableECCErrorCount",
  "UncorrectableECCErrorCount",
  "ThrottlingCelsius",
  "Throttled",
  "ThrottleCauses",
  "Oem",
  "Nvidia",
  "ThrottleReasons",
  "PowerLimitThrottleDuration",
  "SpeedPercent",
  "SpeedRPM",
  "Thresholds",
  "LowerCritical",
  "UpperCritical",
  "Members",
  "@odata.id",
  "Links",
  "Memory",
  "Chassis",
  "DeviceType",
  "Location",
);
const redfishish = fc.letrec((tie) => ({
  doc: fc.oneof(
    { depthSize: "small" },
    hostileLeaf,
    fc.array(tie("doc"), { maxLength: 4 }),
    fc.dictionary(keys, tie("doc"), { maxKeys: 8 }),
    fc.dictionary(fc.string(), hostileValue, { maxKeys: 3 }),
  ),
})).doc;

function check(store: ResourceStore) {
  const result = normaliseBmc(store);
  for (const c of result.components) {
    ComponentSchema.parse(c);
    const json = JSON.stringify(c);
    expect(json).not.toMatch(/NaN|Infinity/);
    for (const [k, v] of Object.entries(c)) {
      if (typeof v === "number") {
        expect(Number.isFinite(v), k).toBe(true);
        if (/ecc|rpm|percent|powerW|Count/i.test(k)) expect(v, k).toBeGreaterThanOrEqual(0);
      }
    }
  }
  for (const p of result.problems) expect(typeof p).toBe("string");
}

test("random documents at every real resource path never throw nor emit non-finite or negative values", () => {
  const paths = [...loadMockup("dmtf-public-rackmount1").keys(), ...loadMockup("lambdalabs-nvidia-fixtures/gb300-supermicro").keys()];
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), redfishish), { minLength: 1, maxLength: 40 }), (entries) => {
      const store = new ResourceStore();
      // A real skeleton so the walk reaches the random documents.
      store.add("/redfish/v1", { Chassis: { "@odata.id": "/redfish/v1/Chassis" }, Systems: { "@odata.id": "/redfish/v1/Systems" } });
      for (const [path, doc] of entries) store.add(path, doc);
      check(store);
    }),
    { numRuns: 300 },
  );
});

test("real mockups with random values swapped into their leaves stay valid", () => {
  const tree = loadMockup("hpe-apollo6500-xl675d-a100");
  const ids = [...tree.keys()];
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...ids), fc.array(keys, { minLength: 1, maxLength: 3 }), hostileValue), { maxLength: 30 }),
      (mutations) => {
        const docs = new Map([...tree].map(([k, v]) => [k, structuredClone(v)]));
        for (const [id, path, value] of mutations) {
          let target: Record<string, unknown> = docs.get(id)!;
          for (const key of path.slice(0, -1)) {
            const next = target[key];
            if (typeof next !== "object" || next === null) target[key] = {};
            target = target[key] as Record<string, unknown>;
            if (Array.isArray(target)) break;
          }
          if (!Array.isArray(target)) target[path[path.length - 1]!] = value;
        }
        const store = new ResourceStore();
        for (const [id, doc] of docs) store.add(id, doc);
        check(store);
      },
    ),
    { numRuns: 150 },
  );
});

test("ISO-8601 durations: never negative or non-finite, rejects junk", () => {
  expect(durationSeconds("PT0S")).toBe(0);
  expect(durationSeconds("P1DT46.024266208S")).toBeCloseTo(86446.024266208, 6);
  expect(durationSeconds("PT3H15M45S")).toBe(11745);
  expect(durationSeconds("P")).toBeUndefined();
  expect(durationSeconds("P1Y")).toBeUndefined();
  fc.assert(
    fc.property(fc.string(), (s) => {
      const v = durationSeconds(s);
      expect(v === undefined || (Number.isFinite(v) && v >= 0)).toBe(true);
    }),
  );
});

test("canonical ids: trailing slashes, fragments and queries collapse to one spelling", () => {
  expect(canonicalId("/redfish/v1/Chassis/1/")).toBe("/redfish/v1/Chassis/1");
  expect(canonicalId("/redfish/v1/Chassis/1/Thermal/#Fans/0")).toBe("/redfish/v1/Chassis/1/Thermal");
  expect(canonicalId("/redfish/v1/Chassis/1/ ?$top=1")).toBe("/redfish/v1/Chassis/1");
  expect(canonicalId("/redfish/v1/Systems?$expand=.")).toBe("/redfish/v1/Systems");
  fc.assert(
    fc.property(fc.string(), (s) => {
      const once = canonicalId(s);
      expect(canonicalId(once)).toBe(once);
    }),
  );
});
