import { runModel } from "./sim/model/engine";
import { fullModelScenario } from "./sim/model/scenario";
import { EVALUATION_RANGES } from "./lib/catalog";
import { scoreRun } from "./sim/model/score";
const run = await runModel(fullModelScenario(), { seed: 1, evaluationRange: EVALUATION_RANGES["n+2"] });
const t0 = run.t0;
const s = scoreRun(run);
for (const p of s.falsePages) {
  console.log("FALSE", p.spec.tier, p.alarm, ((p.actionAt - t0) / 60000).toFixed(1));
  if (p.alarm.includes("/burn-")) {
    for (const [name, log] of run.transitions) if (name.startsWith(p.alarm.replace(/burn-(p\d)\//, "burn-$1-").replace(/\/[^/]+$/, ""))  && name.endsWith(p.alarm.split("/").at(-1)!)) console.log("   ", name, log.filter((c) => Math.abs(c.at - p.actionAt) < 90 * 60000).map((c) => `${((c.at - t0) / 60000).toFixed(1)}:${c.to}`).join(" "));
  }
}
