/**
 * npm run preflight:templates — the deploy preflight over what `npm run synth:all` wrote to
 * cdk.out/<env>/: cfn-lint on every template (0 errors after the one ignore list,
 * scripts/deploy-preflight/cfn-lint-ignores.ts), then FleetWatch's template rules for the
 * deploy-time validations cfn-lint does not know (scripts/deploy-preflight/template-rules.ts)
 * and CloudFormation's per-stack quotas. Exit 1 on any error. Last line:
 * `preflight:templates templates=<n> cfn_lint_errors=<n> rule_failures=<n>`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { runCfnLint } from "./deploy-preflight/cfn-lint";
import { stackLimits } from "./deploy-preflight/stack-limits";
import { type CfnTemplate, checkTemplate } from "./deploy-preflight/template-rules";

const root = process.argv[2] ?? "cdk.out";
const templates: string[] = [];
for (const env of readdirSync(root)) {
  const dir = join(root, env);
  if (!statSync(dir).isDirectory()) continue;
  for (const f of readdirSync(dir)) if (f.endsWith(".template.json")) templates.push(join(dir, f));
}
if (templates.length === 0) {
  console.error(`no templates under ${root}/<env>/: run npm run synth:all first`);
  process.exit(1);
}

let ruleFailures = 0;
for (const file of templates) {
  const text = readFileSync(file, "utf8");
  const template = JSON.parse(text) as CfnTemplate;
  for (const f of [...stackLimits(file, template, Buffer.byteLength(text)), ...checkTemplate(template)]) {
    ruleFailures++;
    console.log(`FAIL ${f.rule} ${file} ${f.resource}: ${f.message} (${f.doc})`);
  }
}
const lint = runCfnLint(templates);
for (const e of lint.errors) console.log(`FAIL cfn-lint ${e.rule} ${e.file} ${e.path.join("/")}: ${e.message}`);
console.log(
  `cfn-lint: ${lint.warnings.length} warnings, ${lint.ignored.length} ignored findings (scripts/deploy-preflight/cfn-lint-ignores.ts)`,
);
console.log(`preflight:templates templates=${templates.length} cfn_lint_errors=${lint.errors.length} rule_failures=${ruleFailures}`);
process.exit(lint.errors.length + ruleFailures > 0 ? 1 : 0);
