/**
 * CloudFormation's per-template quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * 500 resources per stack and a template body of at most 1 MB (uploaded through S3, as CDK does).
 */
import { type CfnTemplate, DOCS, MAX_RESOURCES_PER_STACK, MAX_TEMPLATE_BYTES, type RuleFinding } from "./template-rules";

export function stackLimits(name: string, template: CfnTemplate, bytes: number): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const count = Object.keys(template.Resources ?? {}).length;
  if (count > MAX_RESOURCES_PER_STACK)
    findings.push({
      rule: "stack-resources",
      resource: name,
      message: `${count} resources; a stack may hold ${MAX_RESOURCES_PER_STACK}`,
      doc: DOCS.cfnQuotas,
    });
  if (bytes > MAX_TEMPLATE_BYTES)
    findings.push({
      rule: "template-size",
      resource: name,
      message: `template is ${bytes} bytes; CloudFormation accepts ${MAX_TEMPLATE_BYTES}`,
      doc: DOCS.cfnQuotas,
    });
  return findings;
}
