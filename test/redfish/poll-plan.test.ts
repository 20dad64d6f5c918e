/**
 * The steady-state poll plan (docs/redfish.md, "Poll plan"), against every capture served by the
 * HTTPS fake BMC: after discovery, a poll reads the resources that carry readings (or the fewest
 * $expand requests that inline them), never a collection, and publishes exactly what discovery
 * published. Expected counts are read by hand from the captures (paths in the comments).
 */
import { describe, expect, test } from "vitest";
import { type FakeBmc, type FakeBmcOptions, loadMockup } from "../../dev-support/redfish-bmc-server";
import { CREDENTIALS, type Tree, useFakeBmcs } from "./support/fake-bmcs";

const bmcs = useFakeBmcs();

/** The capture as a BMC that does not advertise $expand. */
function withoutExpand(fixture: string): Tree {
  const tree = new Map(loadMockup(fixture));
  const root = structuredClone(tree.get("/redfish/v1")!);
  delete (root.ProtocolFeaturesSupported as Record<string, unknown> | undefined)?.ExpandQuery;
  tree.set("/redfish/v1", root);
  return tree;
}

const twoPolls = (mockup: string | Tree, options: Pick<FakeBmcOptions, "faults"> = {}) =>
  bmcs.twoPolls({ mockup, ...CREDENTIALS, ...options });

/** Collections in the capture: documents with Members. A steady-state poll must not read one. */
function isCollection(tree: Tree, url: string): boolean {
  const path = url.split("?")[0]!.replace(/\/+$/, "");
  return Array.isArray(tree.get(path)?.Members);
}

const FIXTURES = [
  "dmtf-public-rackmount1",
  "dmtf-public-tower",
  "hpe-apollo6500-xl675d-a100",
  "hpe-cray-ex235n-nvidia-a100",
  "lambdalabs-nvidia-fixtures/gb300-supermicro",
];

describe.each(FIXTURES)("%s", (fixture) => {
  test("with $expand as advertised: at most 3 requests, the same components as discovery", async () => {
    const { first, steady } = await twoPolls(fixture);
    expect(first.discovered).toBe(true);
    expect(steady.discovered).toBe(false);
    expect(steady.status).toBe("ok");
    expect(steady.components).toEqual(first.components);
    const advertised = (loadMockup(fixture).get("/redfish/v1")?.ProtocolFeaturesSupported as Record<string, unknown> | undefined)
      ?.ExpandQuery;
    if (advertised) expect(steady.requests).toBeLessThanOrEqual(3);
  });

  test("without $expand: only resources that carry readings, never a collection", async () => {
    const tree = withoutExpand(fixture);
    const { first, steady, steadyLog, memory } = await twoPolls(tree);
    expect(steady.components).toEqual(first.components);
    expect(steadyLog.some((l) => l.url.includes("$expand"))).toBe(false);
    expect(steadyLog.filter((l) => isCollection(tree, l.url))).toEqual([]);
    expect(steady.requests).toBeLessThanOrEqual(memory.map!.plan!.leaves);
    expect(steady.requests).toBeLessThan(first.requests);
  });
});

test("hpe-cray-ex235n (no $expand): 53 requests per steady poll, counted by hand from the capture", async () => {
  // Chassis: Enclosure, Node0, Node1, Mezz0..3 (7 documents, health); Enclosure/Node0/Node1
  // Thermal + Power (6); each Mezz's Sensors: 21, of which 6 Temperature and 2 Power are
  // readings the snapshot uses, 10 Voltage and 2 Current are not (4 x 8 = 32); Systems/Node0
  // and Node1 Processors GPU0..GPU3 (8). 7 + 6 + 32 + 8 = 53 (it was 114 when every poll re-read
  // the collections and the voltage sensors).
  const { steady } = await twoPolls("hpe-cray-ex235n-nvidia-a100");
  expect(steady.requests).toBe(53);
});

test("gb300 (ExpandAll, MaxLevels 6): one request, Processors expanded through Links to the GPUs' memory", async () => {
  // Systems/HGX_Baseboard_0/Processors/GPU_n: Metrics and EnvironmentMetrics (level 2), Links.Memory
  // GPU_n_DRAM_0 (level 2) and its MemoryMetrics (level 3). "." never crosses Links, "*" does.
  const { steady, steadyLog } = await twoPolls("lambdalabs-nvidia-fixtures/gb300-supermicro");
  expect(steadyLog.map((l) => l.url)).toEqual(["/redfish/v1/Systems/HGX_Baseboard_0/Processors?$expand=*($levels=3)"]);
  expect(steady.requests).toBe(1);
});

test("iLO (SelectQuery true, MaxLevels 1): a leaf read alone asks only for the properties used", async () => {
  const { steady, steadyLog } = await twoPolls("hpe-apollo6500-xl675d-a100");
  const selected = steadyLog.filter((l) => l.url.includes("$select="));
  expect(selected.length).toBeGreaterThan(0);
  expect(selected.every((l) => l.status === 200)).toBe(true);
  expect(steady.status).toBe("ok");
});

test("a leaf that 404s: that poll is not an error, the next one rediscovers (collections re-read)", async () => {
  const tree = new Map(withoutExpand("dmtf-public-rackmount1"));
  const { poll, bmc, steady } = await twoPolls(tree);
  expect(steady.discovered).toBe(false);
  // The BMC drops Chassis/1U/Power (a firmware update, a replaced board).
  tree.delete("/redfish/v1/Chassis/1U/Power");
  const afterLoss = await poll();
  expect(afterLoss.discovered).toBe(false);
  expect(afterLoss.status).toBe("ok");
  const mark = bmc.log.length;
  const next = await poll();
  expect(next.discovered).toBe(true);
  expect(bmc.log.slice(mark).some((l) => l.url === "/redfish/v1/Chassis")).toBe(true);
});

test("a discovery that could not read everything is not kept: the next poll rediscovers", async () => {
  // Chassis/1U/Power answers 500 (a BMC busy or half-booted): the first poll is partial.
  const { first, steady } = await twoPolls(withoutExpand("dmtf-public-rackmount1"), {
    faults: { "/redfish/v1/Chassis/1U/Power": { kind: "status", status: 500 } },
  });
  expect(first.status).toBe("partial");
  expect(steady.discovered).toBe(true);
});

describe("fake BMC query parameters (DSP0266, Query parameters)", () => {
  const get = async (bmc: FakeBmc, path: string) => {
    const { request } = await import("undici");
    const res = await request(`https://${bmc.host}${path}`, {
      dispatcher: bmcs.agent,
      headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString("base64")}` },
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  test("$select where SelectQuery is true: only the named properties and the @odata annotations", async () => {
    const bmc = await bmcs.start({ mockup: "hpe-apollo6500-xl675d-a100", ...CREDENTIALS });
    const { status, body } = await get(bmc, "/redfish/v1/Chassis/1?$select=Id,Status");
    expect(status).toBe(200);
    // Chassis/1/index.json: Id "1", Status {Health: "Warning", ...}
    expect(Object.keys(body).sort()).toEqual(["@odata.context", "@odata.etag", "@odata.id", "@odata.type", "Id", "Status"].sort());
    expect(body.Id).toBe("1");
    expect((await get(bmc, "/redfish/v1/Chassis/1?$select=Id;drop")).status).toBe(400);
  });

  test("$select where SelectQuery is false, and unknown $ parameters: 501", async () => {
    const bmc = await bmcs.start({ mockup: "dmtf-public-tower", ...CREDENTIALS });
    expect((await get(bmc, "/redfish/v1/Chassis/Tower?$select=Id")).status).toBe(501);
    expect((await get(bmc, "/redfish/v1/Chassis?$top=1")).status).toBe(501);
  });
});
