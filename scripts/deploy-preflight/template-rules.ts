/**
 * What CloudFormation, Lambda and CloudWatch reject (or let through broken) at deploy time and
 * cfn-lint does not know, checked on a synthesised template. Pure: template JSON in, findings
 * out. Each rule cites the documentation page it encodes.
 */

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
}
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

export interface RuleFinding {
  readonly rule: string;
  readonly resource: string;
  readonly message: string;
  /** The documentation page the rule encodes. */
  readonly doc: string;
}

export const DOCS = {
  vpcLambda: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
  alarmMathMetrics: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html",
  compositeRule: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html",
  alarmName: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  functionName: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  topicName: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
  queueName: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
  scheduleName: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
  dashboardName: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
  queryDefinitionName: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutQueryDefinition.html",
  okActions: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-suppression.html",
  cfnQuotas: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html",
} as const;

/** At most 10 metrics in one alarm's metric math expression (MetricStat entries of Metrics[]). */
export const MAX_METRICS_PER_ALARM = 10;
/** PutCompositeAlarm AlarmRule: 1 to 10,240 characters. */
export const MAX_COMPOSITE_RULE_CHARS = 10_240;
/** CloudFormation: 500 resources per stack, template body ≤ 1 MB when uploaded to S3. */
export const MAX_RESOURCES_PER_STACK = 500;
export const MAX_TEMPLATE_BYTES = 1_000_000;

/** Name properties and their documented maximum lengths (literal names only; tokens are skipped). */
const NAME_LIMITS: readonly { type: string; property: string; max: number; doc: string }[] = [
  { type: "AWS::CloudWatch::Alarm", property: "AlarmName", max: 255, doc: DOCS.alarmName },
  { type: "AWS::CloudWatch::Alarm", property: "AlarmDescription", max: 1024, doc: DOCS.alarmName },
  { type: "AWS::CloudWatch::CompositeAlarm", property: "AlarmName", max: 255, doc: DOCS.compositeRule },
  { type: "AWS::CloudWatch::CompositeAlarm", property: "AlarmDescription", max: 1024, doc: DOCS.compositeRule },
  { type: "AWS::Lambda::Function", property: "FunctionName", max: 64, doc: DOCS.functionName },
  { type: "AWS::SNS::Topic", property: "TopicName", max: 256, doc: DOCS.topicName },
  { type: "AWS::SQS::Queue", property: "QueueName", max: 80, doc: DOCS.queueName },
  { type: "AWS::Scheduler::Schedule", property: "Name", max: 64, doc: DOCS.scheduleName },
  { type: "AWS::CloudWatch::Dashboard", property: "DashboardName", max: 255, doc: DOCS.dashboardName },
  { type: "AWS::Logs::QueryDefinition", property: "Name", max: 255, doc: DOCS.queryDefinitionName },
];

/** The ENI actions Lambda needs for a function in a VPC, checked when the function is created. */
const ENI_ACTIONS = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"] as const;
const VPC_MANAGED_POLICY = "AWSLambdaVPCAccessExecutionRole";

export function checkTemplate(template: CfnTemplate): RuleFinding[] {
  return [
    ...vpcLambdaNetworkInterfaces(template),
    ...alarmMathMetrics(template),
    ...compositeRuleLength(template),
    ...nameLengths(template),
    ...okActionsOnSameTier(template),
  ];
}

const resources = (t: CfnTemplate) => Object.entries(t.Resources ?? {});
const resourcesOfType = (t: CfnTemplate, ...types: string[]) => resources(t).filter(([, r]) => types.includes(r.Type));
/** A rule's findings all carry its name and the page it encodes. */
const findingOf =
  (rule: string, doc: string) =>
  (resource: string, message: string): RuleFinding => ({ rule, resource, message, doc });
const refId = (v: unknown): string | undefined => {
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === "string") return o.Ref;
    const getAtt = o["Fn::GetAtt"];
    if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return getAtt[0];
  }
  return undefined;
};
const dependsOn = (r: CfnResource): string[] => (r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn]);
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function allowedActions(document: unknown): string[] {
  const statements = asArray((document as { Statement?: unknown })?.Statement as Record<string, unknown>[] | undefined);
  return statements.filter((s) => s.Effect === "Allow").flatMap((s) => asArray(s.Action as string | string[]));
}

/** Lambda creates a VPC function's ENIs with the execution role's rights, at CreateFunction time. */
export function vpcLambdaNetworkInterfaces(template: CfnTemplate): RuleFinding[] {
  const finding = findingOf("vpc-lambda-eni", DOCS.vpcLambda);
  const findings: RuleFinding[] = [];
  const all = template.Resources ?? {};
  for (const [id, fn] of resourcesOfType(template, "AWS::Lambda::Function")) {
    if (!fn.Properties?.VpcConfig) continue;
    const roleId = refId(fn.Properties.Role);
    const role = roleId ? all[roleId] : undefined;
    if (!roleId || !role) {
      findings.push(finding(id, "VPC function's role is not in this template: cannot check its ENI rights"));
      continue;
    }
    const granted = new Set<string>();
    const grantingPolicies: string[] = [];
    for (const p of asArray(role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined))
      for (const a of allowedActions(p.PolicyDocument)) granted.add(a);
    const managed = JSON.stringify(role.Properties?.ManagedPolicyArns ?? []);
    if (managed.includes(VPC_MANAGED_POLICY)) for (const a of ENI_ACTIONS) granted.add(a);
    for (const [pid, p] of resourcesOfType(template, "AWS::IAM::Policy")) {
      if (!asArray(p.Properties?.Roles as unknown[]).some((r) => refId(r) === roleId)) continue;
      const actions = allowedActions(p.Properties?.PolicyDocument);
      if (ENI_ACTIONS.some((a) => actions.includes(a) || actions.includes("ec2:*"))) grantingPolicies.push(pid);
      for (const a of actions) granted.add(a);
    }
    const missing = ENI_ACTIONS.filter((a) => !granted.has(a) && !granted.has("ec2:*"));
    if (missing.length > 0) {
      findings.push(finding(id, `function in a VPC, but its role ${roleId} lacks ${missing.join(", ")}: Lambda refuses to create it`));
    } else if (grantingPolicies.length > 0 && !grantingPolicies.some((p) => dependsOn(fn).includes(p))) {
      findings.push(
        finding(
          id,
          `the ENI rights are in ${grantingPolicies.join(", ")}, but the function does not DependsOn it: CloudFormation may create the function first`,
        ),
      );
    }
  }
  return findings;
}

export function metricsInAlarm(alarm: CfnResource): number {
  const metrics = asArray(alarm.Properties?.Metrics as Record<string, unknown>[] | undefined);
  return metrics.length === 0 ? 1 : metrics.filter((m) => m.MetricStat !== undefined).length;
}

export function alarmMathMetrics(template: CfnTemplate): RuleFinding[] {
  const finding = findingOf("alarm-metrics", DOCS.alarmMathMetrics);
  return resourcesOfType(template, "AWS::CloudWatch::Alarm")
    .filter(([, r]) => metricsInAlarm(r) > MAX_METRICS_PER_ALARM)
    .map(([id, r]) => finding(id, `alarm expression uses ${metricsInAlarm(r)} metrics; CloudWatch allows ${MAX_METRICS_PER_ALARM}`));
}

/** The rule's length once CloudFormation has substituted the referenced alarm names/ARNs (estimated). */
export function compositeRuleLength(template: CfnTemplate): RuleFinding[] {
  const finding = findingOf("composite-rule-length", DOCS.compositeRule);
  return resourcesOfType(template, "AWS::CloudWatch::CompositeAlarm")
    .map(([id, r]) => [id, renderedLength(r.Properties?.AlarmRule, template)] as const)
    .filter(([, length]) => length > MAX_COMPOSITE_RULE_CHARS)
    .map(([id, length]) => finding(id, `AlarmRule is about ${length} characters; PutCompositeAlarm allows ${MAX_COMPOSITE_RULE_CHARS}`));
}

/** Length of a CloudFormation string value: literals as they are, references to alarms as their ARN. */
export function renderedLength(value: unknown, template: CfnTemplate): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + renderedLength(v, template), 0);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    const join = o["Fn::Join"];
    if (Array.isArray(join)) {
      const [sep, parts] = join as [string, unknown[]];
      return parts.reduce((n: number, p) => n + renderedLength(p, template), 0) + sep.length * Math.max(0, parts.length - 1);
    }
    const target = refId(o);
    const name = target ? template.Resources?.[target]?.Properties?.AlarmName : undefined;
    // arn:aws:cloudwatch:<region ≤ 14>:<account 12>:alarm:<name>
    return (typeof name === "string" ? name.length : 255) + "arn:aws-us-gov:cloudwatch:ap-southeast-4:123456789012:alarm:".length;
  }
  return 0;
}

export function nameLengths(template: CfnTemplate): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const [id, r] of resources(template)) {
    for (const limit of NAME_LIMITS) {
      if (r.Type !== limit.type) continue;
      const value = r.Properties?.[limit.property];
      if (typeof value === "string" && value.length > limit.max)
        findings.push(
          findingOf("name-length", limit.doc)(id, `${limit.property} is ${value.length} characters; ${limit.type} allows ${limit.max}`),
        );
    }
  }
  return findings;
}

/**
 * Every alarm that pages sends its OK to the same topic(s), so the incident resolves where it
 * was opened; a metric alarm without actions must be the suppressed child of a composite that
 * has both (alarm suppression: the composite carries the actions).
 */
export function okActionsOnSameTier(template: CfnTemplate): RuleFinding[] {
  const finding = findingOf("ok-actions", DOCS.okActions);
  const findings: RuleFinding[] = [];
  const compositeChildren = new Set<string>();
  for (const [, r] of resourcesOfType(template, "AWS::CloudWatch::CompositeAlarm")) {
    const { alarm, ok } = alarmAndOkActions(r);
    if (alarm.length > 0 && ok === alarm) for (const child of referencedIds(r.Properties?.AlarmRule)) compositeChildren.add(child);
  }
  for (const [id, r] of resourcesOfType(template, "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")) {
    const { alarm, ok } = alarmAndOkActions(r);
    if (alarm.length === 0 && ok.length === 0) {
      if (r.Type === "AWS::CloudWatch::Alarm" && !compositeChildren.has(id) && !isEventOnly(id, template))
        findings.push(finding(id, "alarm has no actions and no paging composite carries them"));
      continue;
    }
    if (alarm !== ok)
      findings.push(finding(id, `OK actions ${ok || "(none)"} differ from ALARM actions ${alarm}: the page would not resolve on its tier`));
  }
  return findings;
}

/** An alarm's ALARM and OK actions, each rendered as its sorted JSON values joined by ", ": equal strings name the same targets. */
function alarmAndOkActions(alarm: CfnResource): { alarm: string; ok: string } {
  const render = (property: "AlarmActions" | "OKActions") =>
    asArray(alarm.Properties?.[property] as unknown[])
      .map((v) => JSON.stringify(v))
      .sort()
      .join(", ");
  return { alarm: render("AlarmActions"), ok: render("OKActions") };
}

/** An alarm without SNS actions whose state changes are routed by an EventBridge rule (remediation). */
function isEventOnly(id: string, template: CfnTemplate): boolean {
  return resourcesOfType(template, "AWS::Events::Rule").some(([, r]) => referencedIds(r.Properties?.EventPattern).includes(id));
}

function referencedIds(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const id = refId(v);
      if (id) out.push(id);
      else Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return out;
}
