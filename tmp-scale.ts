import { scaleEnvironment } from "./bench/scale-environment";
import { synthTemplates } from "./scripts/deploy-preflight/synth-templates";
const t0 = Date.now();
const out = synthTemplates(scaleEnvironment({ clusters: 50, bmcsPerCluster: 200, deployments: 40 }), "/tmp/i12-scale");
for (const o of out) { const t = JSON.parse(o.text); const types: Record<string, number> = {}; for (const r of Object.values<any>(t.Resources)) types[r.Type] = (types[r.Type] ?? 0) + 1; console.log(o.file, Object.keys(t.Resources).length, o.text.length, types); }
console.log(Date.now() - t0);
