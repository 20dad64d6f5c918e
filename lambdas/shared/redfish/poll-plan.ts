/**
 * The steady-state poll plan of one BMC, learned at discovery (docs/redfish.md, "Poll plan").
 *
 * Discovery walks the tree and records what it saw: which resources carry readings (leaves:
 * chassis, Thermal, Power, sensors, fans, PSUs, controls, GPU processors/devices and their
 * metrics, GPU memory) and the links between resources. Collections and other structural
 * resources (service root, collections, Systems, Thermal/PowerSubsystem) only say where the
 * leaves are; their membership changes only when hardware does, so steady-state polls reuse
 * them from discovery and read the leaves:
 *  - without $expand, one GET per leaf (with $select where the BMC supports it);
 *  - with $expand, the fewest requests whose expansion covers every leaf (greedy set cover over
 *    the recorded tree, each request no deeper than the role's DEPTH_BELOW and MaxLevels;
 *    `.` never crosses a "Links" property).
 * Pure module.
 */
import type { ExpandSupport } from "./expand";
import { DEPTH_BELOW, type Role } from "./links";
import { isObject, type JsonObject } from "./odata";

/** Roles whose documents carry readings or health the normaliser publishes. */
export const LEAF_ROLES: ReadonlySet<Role> = new Set<Role>([
  "chassis",
  "thermal",
  "power",
  "thermalMetrics",
  "fan",
  "powerSupply",
  "powerSupplyMetrics",
  "sensor",
  "control",
  "environmentMetrics",
  "device",
  "processor",
  "processorMetrics",
  "memory",
  "memoryMetrics",
]);

/**
 * The top-level properties the normaliser reads from each leaf role, for `$select`. Links are
 * not listed: a selected response is merged over the discovery document's references.
 */
export const SELECT: Readonly<Partial<Record<Role, readonly string[]>>> = {
  thermal: ["Temperatures", "Fans"],
  power: ["PowerControl", "PowerSupplies"],
  thermalMetrics: ["TemperatureReadingsCelsius"],
  fan: ["Id", "Status", "SpeedPercent", "SpeedRPM"],
  powerSupply: ["Id", "Status"],
  powerSupplyMetrics: ["InputPowerWatts", "OutputPowerWatts"],
  sensor: ["Id", "Name", "Reading", "ReadingType", "ReadingUnits", "ReadingBasis", "PhysicalContext", "Status", "Thresholds"],
  control: ["ControlType", "ControlMode", "SetPoint", "Status"],
  environmentMetrics: ["TemperatureCelsius", "PowerWatts", "PowerLimitWatts"],
  processorMetrics: [
    "TemperatureCelsius",
    "ConsumedPowerWatt",
    "Throttled",
    "ThrottleCauses",
    "PowerLimitThrottleDuration",
    "ThermalLimitThrottleDuration",
    "ThrottlingCelsius",
    "CacheMetricsTotal",
    "Oem",
  ],
  memoryMetrics: ["LifeTime", "CurrentPeriod", "Oem"],
  processor: ["Id", "Name", "Model", "ProcessorType", "Status", "Throttled", "ThrottleCauses", "UUID", "SerialNumber", "Location", "Oem"],
  memory: ["Status", "Oem"],
  device: ["Id", "Name", "Model", "DeviceType", "Location", "Status", "SerialNumber"],
  chassis: ["Id", "Status"],
};

export interface PlanNode {
  readonly role: Role;
  /** Children: [child id, reached through a Links property]. */
  readonly children: [string, boolean][];
}

export interface PlannedRequest {
  /** Canonical id of the resource requested. */
  readonly id: string;
  readonly role: Role;
  /** The request path: id, id?$expand=..., or id?$select=... */
  readonly path: string;
  /** Leaves this request returns (itself included when it is one). */
  readonly covers: readonly string[];
  /** Set when the path carries $select: merge the answer over the cached references. */
  readonly selected?: boolean;
  /** A metric report standing in for `covers` (metric-report.ts). */
  readonly report?: boolean;
}

export interface ReportUse {
  readonly id: string;
  /** Resources the report stands in for, with their discovery copies (values are patched in). */
  readonly resources: Record<string, JsonObject>;
}

export interface PollPlan {
  readonly requests: PlannedRequest[];
  /** Structural documents (references only), reused instead of re-read. */
  readonly structure: Record<string, JsonObject>;
  /** For $select leaves: the discovery document's references, merged under the fresh answer. */
  readonly references: Record<string, JsonObject>;
  /** Leaves in total (the bound for a plan without $expand). */
  readonly leaves: number;
  /** Metric reports read instead of the GPU resources they cover. */
  readonly reports?: ReportUse[];
}

/** A document with every nested resource cut down to its reference: what links where, no readings. */
function referencesOnly(doc: JsonObject): JsonObject {
  const cut = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((v) => cut(v, depth + 1));
    if (!isObject(value)) return value;
    if (depth > 0 && typeof value["@odata.id"] === "string" && !value["@odata.id"].includes("#"))
      return { "@odata.id": value["@odata.id"] };
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = cut(v, depth + 1) as JsonObject[string];
    return out;
  };
  return cut(doc, 0) as JsonObject;
}

/** The document without the properties a $select answer will bring back fresh. */
function withoutSelected(doc: JsonObject, selected: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(doc)) if (!selected.includes(k)) out[k] = v;
  return referencesOnly(out);
}

export interface PlanInput {
  readonly nodes: ReadonlyMap<string, PlanNode>;
  /** Leaves that discovery read successfully (ids). */
  readonly leaves: readonly string[];
  /** Structural documents read at discovery. */
  readonly structural: ReadonlyMap<string, JsonObject>;
  /** Leaf documents read at discovery (for $select references). */
  readonly leafDocs: ReadonlyMap<string, JsonObject>;
  readonly expand: ExpandSupport;
  readonly selectQuery: boolean;
}

/**
 * A structural document cut to what links where: @odata.id, Id, Name and every property that
 * (somewhere inside) holds a reference. A System's boot, BIOS and network settings go: kept for
 * 1,000 BMCs in one Lambda they would cost tens of MB of heap for nothing.
 */
export function skeleton(doc: JsonObject): JsonObject {
  const keep = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((v) => keep(v, depth + 1)).filter((v) => v !== undefined);
      return items.length ? items : undefined;
    }
    if (!isObject(value)) return undefined;
    if (depth > 0 && typeof value["@odata.id"] === "string" && !value["@odata.id"].includes("#"))
      return { "@odata.id": value["@odata.id"] };
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (depth === 0 && (k === "@odata.id" || k === "Id" || k === "Name")) out[k] = v;
      else {
        const kept = keep(v, depth + 1);
        if (kept !== undefined) out[k] = kept as JsonObject[string];
      }
    }
    return depth === 0 || Object.keys(out).length ? out : undefined;
  };
  return keep(doc, 0) as JsonObject;
}

export function buildPlan(input: PlanInput): PollPlan {
  const { nodes, expand } = input;
  const uncovered = new Set(input.leaves);
  const isLeaf = new Set(input.leaves);
  const requests: PlannedRequest[] = [];
  const references: Record<string, JsonObject> = {};
  const structure: Record<string, JsonObject> = {};
  for (const [id, doc] of input.structural) structure[id] = skeleton(doc);

  if (expand.token && expand.maxLevels > 0) {
    // "." never crosses Links; "*" (when advertised too) does, which reaches a GPU's Memory and
    // its own Chassis in the same answer, but pulls ManagedBy & co. along: kept to 3 levels.
    const tokens: ("." | "*")[] = expand.token === "." && expand.all ? [".", "*"] : [expand.token];
    const candidates: { id: string; role: Role; token: "." | "*"; levels: number; covers: string[] }[] = [];
    for (const token of tokens) {
      for (const [id, node] of nodes) {
        if (node.role === "root") continue; // the whole service: registries, logs, everything
        const max = Math.min(DEPTH_BELOW[node.role] + (token === "*" ? 1 : 0), expand.maxLevels, token === "*" ? 3 : 6);
        if (max <= 0) continue;
        // Breadth-first below the candidate, remembering at which level each leaf arrives.
        const depthOf = new Map<string, number>([[id, 0]]);
        let frontier = [id];
        for (let level = 1; level <= max && frontier.length; level++) {
          const next: string[] = [];
          for (const parent of frontier) {
            for (const [child, viaLinks] of nodes.get(parent)?.children ?? []) {
              if ((viaLinks && token === ".") || depthOf.has(child)) continue;
              depthOf.set(child, level);
              next.push(child);
            }
          }
          frontier = next;
        }
        const covers = [...depthOf.keys()].filter((leaf) => isLeaf.has(leaf));
        if (covers.length < 2) continue; // a single leaf is cheaper as a plain (selected) GET
        const levels = Math.max(1, ...covers.map((leaf) => depthOf.get(leaf)!));
        candidates.push({ id, role: node.role, token, levels, covers });
      }
    }
    const better = (a: (typeof candidates)[number], b: (typeof candidates)[number]) =>
      // On equal gain: "." before "*", then the shallower expansion (smaller answers).
      a.token !== b.token ? a.token === "." : a.levels < b.levels;
    while (uncovered.size) {
      let best: (typeof candidates)[number] | undefined;
      let bestGain = 1;
      for (const c of candidates) {
        const gain = c.covers.filter((leaf) => uncovered.has(leaf)).length;
        if (gain > bestGain || (gain === bestGain && best && gain > 1 && better(c, best))) {
          best = c;
          bestGain = gain;
        }
      }
      if (!best) break;
      const covers = best.covers.filter((leaf) => uncovered.has(leaf));
      for (const leaf of covers) uncovered.delete(leaf);
      // $levels defaults to 1 (DSP0266), so it is only sent when deeper.
      const levels = best.levels > 1 ? `($levels=${best.levels})` : "";
      requests.push({ id: best.id, role: best.role, path: `${best.id}?$expand=${best.token}${levels}`, covers });
    }
  }

  for (const leaf of input.leaves) {
    if (!uncovered.has(leaf)) continue;
    const role = nodes.get(leaf)!.role;
    const select = input.selectQuery ? SELECT[role] : undefined;
    const doc = input.leafDocs.get(leaf);
    if (select && doc) {
      references[leaf] = withoutSelected(doc, select);
      requests.push({ id: leaf, role, path: `${leaf}?$select=${select.join(",")}`, covers: [leaf], selected: true });
    } else {
      requests.push({ id: leaf, role, path: leaf, covers: [leaf] });
    }
  }
  return { requests, structure, references, leaves: input.leaves.length };
}
