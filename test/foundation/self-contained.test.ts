/**
 * The repository stands alone: a user who clones it has nothing beside it, so no source, test,
 * script or doc may read or cite a file outside the repository root.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");
const TEXT = /\.(ts|mts|mjs|js|sh|md|json|yml|yaml)$|^\.ci\/run$/;

/** Tracked files plus untracked ones git does not ignore (what a commit would carry). */
function projectFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  return out
    .split("\n")
    .filter((f) => f && TEXT.test(f))
    .filter((f) => !f.startsWith("test/fixtures/") && f !== "package-lock.json")
    .filter((f) => existsSync(join(root, f)));
}

function outside(path: string): boolean {
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel);
}

/** Names of things that only ever existed next to the repository on the team's machines. */
const FOREIGN = [/\.\.\/shared\/(redfish-mockups|DESIGN|hooks)/, /\bDESIGN\.md\b/, /["']shared["']\s*,\s*["']redfish-mockups["']/];

describe("the repository refers to nothing outside itself", () => {
  const files = projectFiles();

  it("finds the project's files", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("core/snapshot.ts");
  });

  it("no file names the team's shared folder or design notes", () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (file === "test/foundation/self-contained.test.ts") continue;
      const lines = readFileSync(join(root, file), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (FOREIGN.some((re) => re.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it("no relative path in code or scripts climbs out of the repository", () => {
    const offenders: string[] = [];
    // A quoted relative path ('../x', "../../y") or a path.join/resolve chain of ".." segments.
    const quoted = /["'`]((?:\.\.\/)+[^"'`\s]*)["'`]/g;
    const segments = /(?:resolve|join)\(\s*import\.meta\.dirname((?:\s*,\s*"[^"]*")+)\s*\)/g;
    for (const file of files.filter((f) => !f.endsWith(".md") && !f.endsWith(".json"))) {
      const text = readFileSync(join(root, file), "utf8");
      const base = dirname(join(root, file));
      for (const m of text.matchAll(quoted)) if (outside(resolve(base, m[1]))) offenders.push(`${file}: ${m[1]}`);
      for (const m of text.matchAll(segments)) {
        const parts = [...m[1].matchAll(/"([^"]*)"/g)].map((p) => p[1]);
        if (outside(resolve(base, ...parts))) offenders.push(`${file}: ${parts.join("/")}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("every relative link in the docs resolves to a file in the repository", () => {
    const broken: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(join(root, file), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split("#")[0];
        if (!target || /^[a-z]+:/i.test(target)) continue;
        const path = resolve(dirname(join(root, file)), target);
        if (outside(path) || !existsSync(path)) broken.push(`${file}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the check itself catches a path that leaves the repository", () => {
    const base = join(root, "test", "support");
    const sibling = ["..", "..", "..", "shared"];
    expect(outside(resolve(base, ...sibling, "redfish-mockups"))).toBe(true);
    expect(outside(resolve(base, "..", "fixtures", "redfish"))).toBe(false);
    // Built from parts so that this file itself does not carry the pattern it tests for.
    const sample = `resolve(here, "..", ${['"shared"', '"redfish-mockups"'].join(", ")})`;
    expect(FOREIGN.some((re) => re.test(sample))).toBe(true);
  });
});
