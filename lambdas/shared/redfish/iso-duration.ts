/**
 * ISO-8601 durations as Redfish writes them ("PT0S", "P1DT46.024266208S", "PT3H15M45S") in seconds.
 * Years and months are rejected: their length in seconds is not defined. Pure module.
 */
const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== "string" || value.length > 64) return undefined;
  const m = DURATION.exec(value.trim());
  if (!m || value.trim() === "P" || value.trim().endsWith("T")) return undefined;
  const [, w, d, h, min, s] = m;
  const seconds = Number(w ?? 0) * 604800 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
  return Number.isFinite(seconds) ? seconds : undefined;
}
