/**
 * cfn-lint as the preflight runs it: errors are reported with rule and path, and only the
 * findings on the one ignore list (scripts/deploy-preflight/cfn-lint-ignores.ts) are dropped.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { cfnLintVersion, runCfnLint } from "../../scripts/deploy-preflight/cfn-lint";
import { CFN_LINT_IGNORES } from "../../scripts/deploy-preflight/cfn-lint-ignores";

test("cfn-lint reports a real error and drops only the listed, reasoned ignores", () => {
  expect(cfnLintVersion(), "cfn-lint must be installed (pip install cfn-lint)").toMatch(/cfn-lint \d+/);
  for (const i of CFN_LINT_IGNORES) expect(i.reason.length).toBeGreaterThan(40);
  const file = join(mkdtempSync(join(tmpdir(), "fw-cfnlint-")), "t.template.json");
  writeFileSync(
    file,
    JSON.stringify({
      Resources: {
        Board: {
          Type: "AWS::CloudWatch::Dashboard",
          Properties: { DashboardName: "d", DashboardBody: "{}", Tags: [{ Key: "k", Value: "v" }] },
        },
        // SQS's MessageRetentionPeriod is 60..1,209,600 seconds: 30 days is an error.
        Queue: { Type: "AWS::SQS::Queue", Properties: { MessageRetentionPeriod: 2_592_000 } },
      },
    }),
  );
  const result = runCfnLint([file]);
  expect(result.errors.map((e) => `${e.rule} ${e.path.join("/")}`)).toEqual(["E3034 Resources/Queue/Properties/MessageRetentionPeriod"]);
  expect(result.ignored.map((i) => i.finding.path.join("/"))).toEqual(["Resources/Board/Properties/Tags"]);
});
