/**
 * The import-direction rule (.dependency-cruiser.cjs, run by `npm run lint:imports` inside
 * `npm run lint`) is a real gate: laid out like the repository in a temporary folder, each kind of
 * upward or forbidden import is reported under the rule that forbids it, an allowed import is
 * not, and the real tree has no violation at all. The rules are the repository's own, loaded from
 * the config file the lint step uses, through dependency-cruiser's API (`cruise`, and
 * `extractDepcruiseOptions` to read the config:
 * https://github.com/sverweij/dependency-cruiser/blob/main/doc/api.md).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");

/** The repository's rules and parser options, without the tsconfig (the sample tree has none; imports are relative). */
async function repositoryRules(baseDir: string): Promise<ICruiseOptions> {
  const { tsConfig: _unused, ...options } = await extractDepcruiseOptions(join(root, ".dependency-cruiser.cjs"));
  return { ...options, baseDir };
}

async function violationsIn(baseDir: string, folders: string[]): Promise<IViolation[]> {
  const result = await cruise(folders, await repositoryRules(baseDir));
  return (result.output as ICruiseResult).summary.violations;
}

/** A small tree laid out like the repository: each file's imports, by path. */
const SAMPLE: Record<string, string> = {
  // Upward: the core importing a construct.
  "core/a.ts": 'import { b } from "../lib/b";\nexport const a = b;\n',
  "lib/b.ts": "export const b = 1;\n",
  // A Lambda importing CDK-side code.
  "lambdas/x.ts": 'import { y } from "../lib/y";\nexport const x = y;\n',
  "lib/y.ts": "export const y = 2;\n",
  // A Node built-in in the core.
  "core/c.ts": 'import { readFileSync } from "node:fs";\nexport const c = readFileSync;\n',
  // A tool importing test code.
  "sim/s.ts": 'import { t } from "../test/t";\nexport const s = t;\n',
  "test/t.ts": "export const t = 3;\n",
  // A cycle between two constructs.
  "lib/p.ts": 'import { q } from "./q";\nexport const p = () => q;\n',
  "lib/q.ts": 'import { p } from "./p";\nexport const q = () => p;\n',
  // Allowed: a Lambda importing the core, a construct importing the core.
  "lambdas/ok.ts": 'import { d } from "../core/d";\nexport const ok = d;\n',
  "lib/ok.ts": 'import { d } from "../core/d";\nexport const ok = d;\n',
  "core/d.ts": "export const d = 4;\n",
};

describe("the import-direction rule", () => {
  let sample: string;
  let violations: IViolation[];
  const reported = (from: string) =>
    violations
      .filter((v) => v.from === from)
      .map((v) => v.rule.name)
      .sort();

  beforeAll(async () => {
    sample = mkdtempSync(join(tmpdir(), "fw-import-direction-"));
    for (const [path, text] of Object.entries(SAMPLE)) {
      mkdirSync(dirname(join(sample, path)), { recursive: true });
      writeFileSync(join(sample, path), text);
    }
    violations = await violationsIn(sample, ["core", "lambdas", "lib", "sim", "test"]);
  });
  afterAll(() => rmSync(sample, { recursive: true, force: true }));

  it("reports core/ importing lib/", () => {
    expect(violations).toContainEqual(
      expect.objectContaining({ from: "core/a.ts", to: "lib/b.ts", rule: expect.objectContaining({ name: "core-is-dependency-free" }) }),
    );
  });

  it("reports lambdas/ importing lib/", () => {
    expect(violations).toContainEqual(
      expect.objectContaining({
        from: "lambdas/x.ts",
        to: "lib/y.ts",
        rule: expect.objectContaining({ name: "lambdas-import-core-only" }),
      }),
    );
  });

  it("reports a Node built-in in core/", () => {
    expect(reported("core/c.ts")).toContain("core-no-node-builtins");
  });

  it("reports a tool importing test code", () => {
    expect(violations).toContainEqual(
      expect.objectContaining({ from: "sim/s.ts", to: "test/t.ts", rule: expect.objectContaining({ name: "tools-not-tests" }) }),
    );
  });

  it("reports an import cycle, with its members", () => {
    const cycles = violations.filter((v) => v.rule.name === "no-circular");
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.cycle?.map((step) => step.name).sort()).toEqual(["lib/p.ts", "lib/q.ts"]);
  });

  it("lets the allowed imports through", () => {
    expect(reported("lambdas/ok.ts")).toEqual([]);
    expect(reported("lib/ok.ts")).toEqual([]);
    expect(reported("core/d.ts")).toEqual([]);
  });

  it("every violation is an error, so npm run lint fails on it", () => {
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => v.rule.severity))).toEqual(new Set(["error"]));
  });

  it("finds no violation in the repository itself (the folders npm run lint:imports cruises)", async () => {
    const script: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts["lint:imports"];
    const folders = script.split(/\s+/).slice(script.split(/\s+/).indexOf(".dependency-cruiser.cjs") + 1);
    expect(folders).toContain("core");
    expect(await violationsIn(root, folders)).toEqual([]);
  });
});
