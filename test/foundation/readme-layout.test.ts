/**
 * README's "Repository layout" names every folder a newcomer will open, and nothing that is gone:
 * each top-level folder, and each subfolder of core/ and lib/ it lists, exists
 * in the tree, and every one in the tree is listed.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const block = readme.slice(readme.indexOf("<!-- layout:start -->"), readme.indexOf("<!-- layout:end -->"));
const lines = block.split("\n").filter((l) => /^ *[a-z][\w.-]*\/? /.test(l) || /^ *[a-z][\w.-]*\/$/.test(l));

/** Entries at one indent: top level (0) or under a parent (2), as "name/". */
function listed(indent: number, parent?: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const line of lines) {
    const depth = line.length - line.trimStart().length;
    const name = line.trim().split(/\s+/)[0]!;
    if (depth === 0) current = name;
    if (depth === indent && (parent === undefined || current === parent) && name.endsWith("/")) out.push(name);
  }
  return out.sort();
}

const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

function folders(prefix: string): string[] {
  const names = new Set<string>();
  for (const f of tracked) {
    if (!f.startsWith(prefix)) continue;
    const rest = f.slice(prefix.length).split("/");
    if (rest.length > 1 && !rest[0]!.startsWith(".")) names.add(`${rest[0]}/`);
  }
  return [...names].sort();
}

it("lists every top-level folder, and only those", () => {
  expect(listed(0)).toEqual(folders(""));
});

it.each(["core/", "lib/"])("lists every folder of %s, and only those", (parent) => {
  expect(listed(2, parent)).toEqual(folders(parent));
});
