/** A chassis's power supplies, from whichever schema generation it offers. */
import type { PsuComponent } from "../../../../core/snapshot";
import { arr, at, isObject, type JsonObject, lastSegment, linkOf, str } from "../odata";
import type { ResourceStore } from "../resource-store";
import { withSource } from "./one-per-device";
import { first, healthOf, isPresent, membersOf, nonNegative } from "./values";

export function psusOf(store: ResourceStore, chassis: JsonObject, chassisName: string, chassisId: string): PsuComponent[] {
  // SOURCE ORDER (PSUs): Power.PowerSupplies -> PowerSubsystem/PowerSupplies (+ their Metrics).
  // PSU power: input watts (what it draws), else output watts.
  const power = store.get(linkOf(chassis.Power));
  const out: PsuComponent[] = [];
  const entries = arr(power?.PowerSupplies);
  const names = entries.map((e) => str(at(e, "Name")));
  for (const [i, entry] of entries.entries()) {
    if (!isObject(entry) || !isPresent(entry)) continue;
    const name = str(entry.Name);
    // iLO names every PSU "HpeServerPowerSupply": then the member id tells them apart.
    const duplicated = name !== undefined && names.filter((n) => n === name).length > 1;
    const id = name && !duplicated ? name : `${name ?? "PSU"} ${str(entry.MemberId) ?? i}`;
    const powerW = first(nonNegative(entry.PowerInputWatts), nonNegative(entry.LastPowerOutputWatts), nonNegative(entry.PowerOutputWatts));
    const entryId = typeof entry["@odata.id"] === "string" ? entry["@odata.id"] : `${linkOf(chassis.Power)}#/PowerSupplies/${i}`;
    out.push(withSource({ kind: "psu", id, health: healthOf(entry), powerW, chassis: chassisName }, chassisId, entryId, entry));
  }
  if (out.length) return out;
  for (const id of membersOf(store, at(store.get(linkOf(chassis.PowerSubsystem)), "PowerSupplies"))) {
    const psu = store.get(id);
    if (!psu || !isPresent(psu)) continue;
    const metrics = store.get(linkOf(psu.Metrics));
    const powerW = first(nonNegative(at(metrics, "InputPowerWatts", "Reading")), nonNegative(at(metrics, "OutputPowerWatts", "Reading")));
    out.push(
      withSource(
        { kind: "psu", id: str(psu.Id) ?? lastSegment(id), health: healthOf(psu), powerW, chassis: chassisName },
        chassisId,
        linkOf(psu) ?? id,
        psu,
      ),
    );
  }
  return out;
}
