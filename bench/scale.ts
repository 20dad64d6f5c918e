/**
 * npm run bench:scale — synthesises a generated environment of 50 clusters × 200 BMCs and 40
 * Azure OpenAI deployments (bench/scale-environment.ts) through the real app (cdk-nag included,
 * Lambda bundling skipped) and prints how every template stands against the hard limits that
 * CloudFormation and CloudWatch enforce at deploy time. Exit 1 when a figure is over its limit.
 * Last line: `bench:scale clusters=50 bmcs=10000 deployments=40 max_resources=<n> max_template_kb=<n> alarms=<n> max_metrics_per_expression=<n> max_widgets=<n>`.
 */
import { basename } from "node:path";
import { CLOUDWATCH_DASHBOARD_LIMITS } from "../dashboards/cloudwatch-body";
import { stackLimits } from "../scripts/deploy-preflight/stack-limits";
import { synthTemplates } from "../scripts/deploy-preflight/synth-templates";
import {
  type CfnTemplate,
  checkTemplate,
  MAX_COMPOSITE_RULE_CHARS,
  MAX_METRICS_PER_ALARM,
  MAX_RESOURCES_PER_STACK,
  MAX_TEMPLATE_BYTES,
  metricsInAlarm,
  renderedLength,
} from "../scripts/deploy-preflight/template-rules";
import { scaleEnvironment } from "./scale-environment";

const shape = { clusters: 50, bmcsPerCluster: 200, deployments: 40 };
const started = Date.now();
const config = scaleEnvironment(shape);
const bmcs = config.redfish.clusters.reduce((n, c) => n + c.bmcs.reduce((m, b) => m + rangeSize(b), 0), 0);
const templates = synthTemplates(config).map((t) => ({ ...t, json: JSON.parse(t.text) as CfnTemplate }));

let maxResources = 0;
let maxTemplateBytes = 0;
let alarms = 0;
let maxMetrics = 0;
let maxRule = 0;
let maxWidgets = 0;
let maxBody = 0;
const problems: string[] = [];
for (const t of templates) {
  const resources = Object.entries(t.json.Resources ?? {});
  const bytes = Buffer.byteLength(t.text);
  maxResources = Math.max(maxResources, resources.length);
  maxTemplateBytes = Math.max(maxTemplateBytes, bytes);
  console.log(`${basename(t.file)}: ${resources.length} resources, ${(bytes / 1000).toFixed(0)} kB`);
  for (const [, r] of resources) {
    if (r.Type === "AWS::CloudWatch::Alarm") {
      alarms++;
      maxMetrics = Math.max(maxMetrics, metricsInAlarm(r));
    } else if (r.Type === "AWS::CloudWatch::CompositeAlarm") {
      alarms++;
      maxRule = Math.max(maxRule, renderedLength(r.Properties?.AlarmRule, t.json));
    } else if (r.Type === "AWS::CloudWatch::Dashboard") {
      const body = renderedBody(r.Properties?.DashboardBody);
      maxBody = Math.max(maxBody, body.bytes);
      maxWidgets = Math.max(maxWidgets, body.widgets);
    }
  }
  for (const f of [...stackLimits(basename(t.file), t.json, bytes), ...checkTemplate(t.json)])
    problems.push(`${f.rule} ${f.resource}: ${f.message}`);
}

const rows: [string, number, number | string][] = [
  ["resources per template (max)", maxResources, MAX_RESOURCES_PER_STACK],
  ["template size, kB (max)", Math.ceil(maxTemplateBytes / 1000), MAX_TEMPLATE_BYTES / 1000],
  ["metrics per alarm expression (max)", maxMetrics, MAX_METRICS_PER_ALARM],
  ["composite alarm rule, characters (max, estimated)", maxRule, MAX_COMPOSITE_RULE_CHARS],
  ["widgets per dashboard (max)", maxWidgets, CLOUDWATCH_DASHBOARD_LIMITS.widgetsPerDashboard],
  ["dashboard body, bytes (max, estimated)", maxBody, CLOUDWATCH_DASHBOARD_LIMITS.bodyBytes],
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html: no limit on
  // alarms per account; the 200 per Region applies to Metrics Insights alarms, of which FleetWatch has none.
  ["alarms (metric + composite) per account and Region", alarms, "no limit"],
  ["stacks (main + nested)", templates.length, "-"],
];
for (const [what, value, limit] of rows) {
  const over = typeof limit === "number" && value > limit;
  if (over) problems.push(`${what}: ${value} > ${limit}`);
  console.log(`${over ? "OVER" : "ok  "} ${what}: ${value} (limit ${limit})`);
}
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`synth + checks: ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(
  `bench:scale clusters=${config.redfish.clusters.length} bmcs=${bmcs} deployments=${config.azure?.accounts.reduce((n, a) => n + a.deployments.length, 0) ?? 0} ` +
    `max_resources=${maxResources} max_template_kb=${Math.ceil(maxTemplateBytes / 1000)} alarms=${alarms} max_metrics_per_expression=${maxMetrics} max_widgets=${maxWidgets}`,
);
process.exit(problems.length > 0 ? 1 : 0);

function rangeSize(endpoint: string): number {
  const m = /^(?:\d+\.){3}(\d+)-(?:\d+\.){3}(\d+)$/.exec(endpoint);
  return m ? Number(m[2]) - Number(m[1]) + 1 : 1;
}

/** The dashboard body's widgets and size, with CloudFormation references counted at a typical length. */
function renderedBody(body: unknown): { widgets: number; bytes: number } {
  const text = flatten(body);
  const widgets = (text.match(/"type":"(metric|text|alarm|log|explorer|custom)"/g) ?? []).length;
  return { widgets, bytes: Buffer.byteLength(text) };
}

function flatten(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(flatten).join("");
  if (value && typeof value === "object") {
    const join = (value as Record<string, unknown>)["Fn::Join"];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flatten).join(join[0] as string);
    // A Ref or GetAtt: an ARN or name of typical length.
    return "x".repeat(80);
  }
  return String(value ?? "");
}
