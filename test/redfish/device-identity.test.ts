/**
 * The device identity rule (docs/redfish.md, "Device identity"): placeholder or repeated
 * SerialNumber/UUID/location values never merge distinct devices; the same device seen under
 * two Systems still merges. Property tests (fast-check) over whole normalised BMCs, plus the
 * GB300 capture read by hand.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { loadMockup } from "../../dev-support/redfish-bmc-server";
import { firstOfEachDevice, isPlaceholder } from "../../lambdas/shared/redfish/device-identity";
import { normaliseBmc } from "../../lambdas/shared/redfish/normalise/normalise-bmc";
import { ResourceStore } from "../../lambdas/shared/redfish/resource-store";

/** Fill-ins seen in the field (issue 15): each must be a placeholder. */
const FIELD_PLACEHOLDERS = [
  "0000000000000",
  "00000000-0000-0000-0000-000000000000",
  "N/A",
  "Not Specified",
  "To Be Filled By O.E.M.",
  "0123456789",
  "",
  "   ",
  "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
];

test.each(FIELD_PLACEHOLDERS)("%j is a placeholder", (value) => {
  expect(isPlaceholder(value)).toBe(true);
});

test.each(["1322520068320", "PR114450C1", "gpu-0-uuid", "MT1845K05471          "])("%j is a real identity", (value) => {
  expect(isPlaceholder(value)).toBe(false);
});

/** A BMC with one System per entry in `systems`, each holding GPU processors with the given docs. */
function bmcWithGpus(systems: Record<string, Record<string, unknown>[]>): ResourceStore {
  const store = new ResourceStore();
  const systemIds = Object.keys(systems);
  store.add("/redfish/v1", { "@odata.id": "/redfish/v1", Systems: { "@odata.id": "/redfish/v1/Systems" } });
  store.add("/redfish/v1/Systems", {
    "@odata.id": "/redfish/v1/Systems",
    Members: systemIds.map((s) => ({ "@odata.id": `/redfish/v1/Systems/${s}` })),
  });
  for (const s of systemIds) {
    store.add(`/redfish/v1/Systems/${s}`, {
      "@odata.id": `/redfish/v1/Systems/${s}`,
      Id: s,
      Processors: { "@odata.id": `/redfish/v1/Systems/${s}/Processors` },
    });
    const docs = systems[s]!;
    store.add(`/redfish/v1/Systems/${s}/Processors`, {
      "@odata.id": `/redfish/v1/Systems/${s}/Processors`,
      Members: docs.map((d) => ({ "@odata.id": d["@odata.id"] as string })),
    });
    for (const d of docs) store.add(d["@odata.id"] as string, d);
  }
  return store;
}

const placeholder = fc.constantFrom(...FIELD_PLACEHOLDERS, "123456", "SN-SAME");

test("distinct GPUs sharing any placeholder (serial, UUID or location) stay distinct", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 8 }), placeholder, placeholder, placeholder, (n, serial, uuid, label) => {
      const gpus = Array.from({ length: n }, (_, i) => ({
        "@odata.id": `/redfish/v1/Systems/Node0/Processors/GPU${i}`,
        Id: `GPU${i}`,
        ProcessorType: "GPU",
        SerialNumber: serial,
        UUID: uuid,
        // The same value on every device: a placeholder by repetition even when it looks real.
        Location: { PartLocationContext: "Baseboard", PartLocation: { ServiceLabel: label } },
      }));
      const { components } = normaliseBmc(bmcWithGpus({ Node0: gpus }));
      expect(components.filter((c) => c.kind === "gpu")).toHaveLength(n);
    }),
  );
});

test("the same GPU under two Systems merges by a real serial or UUID, whatever placeholders ride along", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.constantFrom("serial", "uuid"), placeholder, (n, key, filler) => {
      const make = (system: string) =>
        Array.from({ length: n }, (_, i) => ({
          "@odata.id": `/redfish/v1/Systems/${system}/Processors/GPU${i}`,
          Id: `GPU${i}`,
          ProcessorType: "GPU",
          SerialNumber: key === "serial" ? `1322520068${300 + i}` : filler,
          UUID: key === "uuid" ? `6c1b7a3e-0000-4000-8000-00000000000${i}` : filler,
        }));
      const { components } = normaliseBmc(bmcWithGpus({ HGX_Baseboard_0: make("HGX_Baseboard_0"), System_0: make("System_0") }));
      const gpus = components.filter((c) => c.kind === "gpu");
      expect(gpus).toHaveLength(n);
      // First System in id order wins.
      expect(gpus.every((g) => g.kind === "gpu" && g.system === "HGX_Baseboard_0")).toBe(true);
    }),
  );
});

test("firstOfEachDevice: a value repeated in one scope is not an identity there, and is across scopes", () => {
  const dup = firstOfEachDevice([
    ["system:A", "/a/1", { SerialNumber: "X1" }],
    ["system:A", "/a/2", { SerialNumber: "X1" }],
    ["system:B", "/b/1", { SerialNumber: "X1" }],
  ]);
  // /a/1 and /a/2 share X1 inside A: both kept; /b/1 shares X1 with nothing else in B, but X1 is
  // no identity in A, so it does not merge with A's devices either.
  expect(dup).toEqual([true, true, true]);
  expect(
    firstOfEachDevice([
      ["system:A", "/a/1", { SerialNumber: "X1" }],
      ["system:B", "/b/1", { SerialNumber: "X1" }],
    ]),
  ).toEqual([true, false]);
});

test("gb300-supermicro: System_0 lists the baseboard's 4 GPUs by their own ids, all with serial 123456 -> 4 GPUs", () => {
  // Systems/System_0/Processors/GPU_n/index.json: "@odata.id" .../HGX_Baseboard_0/Processors/GPU_n,
  // SerialNumber "123456" on all four, UUIDs uuid-here, gpu1-uuid, gpu2-uuid, gpu3-uuid.
  const tree = loadMockup("lambdalabs-nvidia-fixtures/gb300-supermicro");
  const store = new ResourceStore();
  for (const [id, doc] of tree) store.add(id, doc);
  const gpus = normaliseBmc(store).components.filter((c) => c.kind === "gpu");
  expect(gpus.map((g) => g.id).sort()).toEqual(["GPU_0", "GPU_1", "GPU_2", "GPU_3"]);
});

test("PSUs: the same real serial under two chassis is one PSU; a shared placeholder is two", () => {
  const psuStore = (serials: [string, string]) => {
    const store = new ResourceStore();
    store.add("/redfish/v1", { "@odata.id": "/redfish/v1", Chassis: { "@odata.id": "/redfish/v1/Chassis" } });
    store.add("/redfish/v1/Chassis", {
      "@odata.id": "/redfish/v1/Chassis",
      Members: [{ "@odata.id": "/redfish/v1/Chassis/A" }, { "@odata.id": "/redfish/v1/Chassis/B" }],
    });
    for (const [i, c] of (["A", "B"] as const).entries()) {
      store.add(`/redfish/v1/Chassis/${c}`, {
        "@odata.id": `/redfish/v1/Chassis/${c}`,
        Id: c,
        Power: { "@odata.id": `/redfish/v1/Chassis/${c}/Power` },
      });
      store.add(`/redfish/v1/Chassis/${c}/Power`, {
        "@odata.id": `/redfish/v1/Chassis/${c}/Power`,
        PowerSupplies: [
          {
            "@odata.id": `/redfish/v1/Chassis/${c}/Power#/PowerSupplies/0`,
            Name: `PSU ${c}`,
            SerialNumber: serials[i],
            Status: { Health: "OK" },
          },
        ],
      });
    }
    return normaliseBmc(store).components.filter((c) => c.kind === "psu");
  };
  expect(psuStore(["PR114450C1", "PR114450C1"])).toHaveLength(1);
  expect(psuStore(["N/A", "N/A"])).toHaveLength(2);
});
