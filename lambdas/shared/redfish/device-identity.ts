/**
 * When two device documents (GPUs, fans, PSUs) are the same physical device.
 *
 * The rule (docs/redfish.md, "Device identity"):
 *  - The same canonical @odata.id is the same device (HGX lists the baseboard's GPUs from
 *    System_0 by the baseboard's own ids).
 *  - Otherwise a real SerialNumber, UUID or fully qualified location (PartLocationContext plus
 *    ServiceLabel) merges two documents.
 *  - Placeholder values never do: empty, one character repeated (all zeros, all F), the
 *    factory strings ("N/A", "Not Specified", "To Be Filled By O.E.M.", "0123456789", ...), and
 *    any value that more than one distinct device of the same kind carries within one scope
 *    (one System, or one chassis) — "the same value on every device".
 * Pure module.
 */
import { at, isObject, str } from "./odata";

/** Factory and firmware fill-ins seen in the field, compared case- and punctuation-insensitively. */
const PLACEHOLDERS = new Set(
  [
    "na",
    "n/a",
    "none",
    "null",
    "unknown",
    "notspecified",
    "notavailable",
    "notapplicable",
    "tobefilledbyoem",
    "defaultstring",
    "systemserialnumber",
    "serialnumber",
    "0123456789",
    "123456789",
    "1234567890",
    "0",
    "-",
  ].map((s) => s.replace(/[\s._-]/g, "")),
);

/** A value that cannot tell one device from another, whatever else carries it. */
export function isPlaceholder(value: string | undefined): boolean {
  if (value === undefined) return true;
  const trimmed = value.trim();
  if (trimmed === "") return true;
  const squashed = trimmed.toLowerCase().replace(/[\s._-]/g, "");
  if (squashed === "" || PLACEHOLDERS.has(squashed)) return true;
  // One character repeated, ignoring separators: 000000000000, FFFFFFFF-FFFF-..., xxxx.
  const hex = squashed.replace(/[{}:/]/g, "");
  return hex.length > 0 && /^(.)\1*$/.test(hex);
}

/** The identity candidates of one device document, before the repetition rule. */
function identityCandidates(doc: unknown): string[] {
  const out: string[] = [];
  const serial = str(at(doc, "SerialNumber"));
  if (!isPlaceholder(serial)) out.push(`serial:${serial!.trim()}`);
  const uuid = str(at(doc, "UUID"));
  if (!isPlaceholder(uuid)) out.push(`uuid:${uuid!.trim().toLowerCase()}`);
  const location = at(doc, "Location");
  if (isObject(location)) {
    // A bare ServiceLabel ("GPU0") repeats on every node of a blade; with the enclosing
    // assembly (PartLocationContext) it names one place.
    const context = str(location.PartLocationContext);
    const label = str(at(location, "PartLocation", "ServiceLabel"));
    if (!isPlaceholder(context) && !isPlaceholder(label)) out.push(`location:${context!.trim()}/${label!.trim()}`);
  }
  return out;
}

/**
 * Keys that more than one distinct device carries within one scope: placeholders by
 * repetition. `devices` are [scope, canonical id, document] triples.
 */
function repeatedKeys(devices: readonly (readonly [string, string, unknown])[]): Set<string> {
  const owners = new Map<string, Set<string>>();
  for (const [scope, id, doc] of devices) {
    for (const key of identityCandidates(doc)) {
      const scoped = `${scope}\u0000${key}`;
      const set = owners.get(scoped) ?? new Set<string>();
      set.add(id);
      owners.set(scoped, set);
    }
  }
  const out = new Set<string>();
  for (const [scoped, ids] of owners) if (ids.size > 1) out.add(scoped);
  return out;
}

/**
 * Groups devices into physical devices. Returns, for each input in order, whether it is the
 * first document of its device (keep) or a duplicate of an earlier one (drop).
 */
export function firstOfEachDevice(devices: readonly (readonly [string, string, unknown])[]): boolean[] {
  const repeated = repeatedKeys(devices);
  const seen = new Set<string>();
  return devices.map(([scope, id, doc]) => {
    const keys = [`id:${id}`, ...identityCandidates(doc).filter((k) => !repeated.has(`${scope}\u0000${k}`))];
    const duplicate = keys.some((k) => seen.has(k));
    for (const k of keys) seen.add(k);
    return !duplicate;
  });
}
