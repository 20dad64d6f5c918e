/**
 * Runs cfn-lint (the AWS CloudFormation linter, `pip install cfn-lint`) on synthesised templates
 * and applies the one ignore list (cfn-lint-ignores.ts). Errors left over fail the preflight.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { CFN_LINT_IGNORES, type CfnLintIgnore } from "./cfn-lint-ignores";

export interface CfnLintFinding {
  readonly rule: string;
  readonly level: "Error" | "Warning" | "Informational";
  readonly message: string;
  readonly file: string;
  /** Path inside the template, e.g. ["Resources", "X", "Properties", "Tags"]. */
  readonly path: readonly (string | number)[];
}

export interface CfnLintResult {
  readonly errors: CfnLintFinding[];
  readonly warnings: CfnLintFinding[];
  readonly ignored: { finding: CfnLintFinding; reason: string }[];
}

interface RawFinding {
  Rule: { Id: string };
  Level: CfnLintFinding["level"];
  Message: string;
  Filename: string;
  Location: { Path?: (string | number)[] };
}

export function cfnLintVersion(): string | undefined {
  try {
    return execFileSync("cfn-lint", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

export function runCfnLint(templates: readonly string[], options: { regions?: readonly string[] } = {}): CfnLintResult {
  let stdout: string;
  try {
    stdout = execFileSync(
      "cfn-lint",
      ["--format", "json", ...(options.regions?.length ? ["--regions", ...options.regions] : []), "--", ...templates],
      {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      },
    );
  } catch (err) {
    // cfn-lint exits non-zero when it finds anything; its JSON report is still on stdout.
    const e = err as { stdout?: string; code?: string; message: string };
    if (e.code === "ENOENT")
      throw new Error("cfn-lint is not installed: pip install cfn-lint (https://github.com/aws-cloudformation/cfn-lint)");
    if (!e.stdout) throw new Error(`cfn-lint failed without a report: ${e.message}`);
    stdout = e.stdout;
  }
  const raw = JSON.parse(stdout || "[]") as RawFinding[];
  return classify(raw.map((r) => ({ rule: r.Rule.Id, level: r.Level, message: r.Message, file: r.Filename, path: r.Location.Path ?? [] })));
}

export function classify(findings: readonly CfnLintFinding[], ignores: readonly CfnLintIgnore[] = CFN_LINT_IGNORES): CfnLintResult {
  const result: CfnLintResult = { errors: [], warnings: [], ignored: [] };
  const types = new Map<string, Record<string, { Type: string }>>();
  const resourceType = (file: string, id: string) => {
    if (!types.has(file)) types.set(file, JSON.parse(readFileSync(file, "utf8")).Resources ?? {});
    return types.get(file)?.[id]?.Type;
  };
  for (const f of findings) {
    const [section, id, ...rest] = f.path;
    const ignore =
      section === "Resources" && typeof id === "string"
        ? ignores.find((i) => i.rule === f.rule && i.path === rest.join("/") && resourceType(f.file, id) === i.resourceType)
        : undefined;
    if (ignore) result.ignored.push({ finding: f, reason: ignore.reason });
    else if (f.level === "Error") result.errors.push(f);
    else result.warnings.push(f);
  }
  return result;
}
