import { EVALUATION_RANGES } from "../../lib/catalog";
import { runModel } from "./engine";
import { shortModelScenario } from "./scenario";
const run = await runModel(shortModelScenario(), { seed: 2, evaluationRange: EVALUATION_RANGES["n+2"] });
for (const p of run.pages) console.log(p.kind, p.alarm, ((p.actionAt - run.t0) / 60000).toFixed(2), run.faultStart.get("gpu-heat"));
process.exit(0);
