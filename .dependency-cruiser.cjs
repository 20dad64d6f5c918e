/**
 * Which way imports may point (docs/architecture.md). `npm run lint` runs this; a violation
 * fails `npm test`. Layers, lowest first:
 *   core/            the dependency-free core: imports only core/ and zod
 *   lambdas/         Lambda runtime code: core/ and npm packages, never CDK
 *   dashboards/      dashboard and query definitions: core/ only
 *   lib/             CDK constructs and stacks: core/, dashboards/, lib/
 *   bin/, cli/       entry points
 *   dev-support/     fakes and servers the tests, the simulator and the benchmarks share
 *   sim/, bench/, cost/, scripts/   measurements and tools: anything but test/
 *   test/            may import anything
 */
const TOP = "^(core|lambdas|dashboards|lib|bin|cli|dev-support|sim|bench|cost|scripts|test)/";
const forbid = (name, from, to, comment) => ({ name, severity: "error", comment, from: { path: from }, to });

module.exports = {
  forbidden: [
    forbid(
      "core-is-dependency-free",
      "^core/",
      { pathNot: ["^core/", "^node_modules/zod/"] },
      "core/ imports only core/ and zod: no Node built-ins, SDKs, CDK or other layers.",
    ),
    forbid("core-no-node-builtins", "^core/", { dependencyTypes: ["core"] }, "core/ runs in every Lambda and in synth: no Node built-ins."),
    forbid(
      "lambdas-import-core-only",
      "^lambdas/",
      { path: TOP, pathNot: ["^core/", "^lambdas/"] },
      "Lambda code imports core/ and its own folder, never lib/, dashboards/ or tools.",
    ),
    forbid(
      "lambdas-no-cdk",
      "^lambdas/",
      { path: "^node_modules/(aws-cdk-lib|constructs|cdk-nag)/" },
      "CDK belongs in lib/; a Lambda bundle must not pull it in.",
    ),
    forbid(
      "dashboards-import-core-only",
      "^dashboards/",
      { path: TOP, pathNot: ["^core/", "^dashboards/"] },
      "Dashboard definitions are data built from core/; constructs in lib/ turn them into resources.",
    ),
    forbid(
      "lib-imports-core-and-dashboards",
      "^lib/",
      { path: TOP, pathNot: ["^core/", "^dashboards/", "^lib/"] },
      "Constructs share contracts with Lambdas through core/contracts, never by importing lambdas/.",
    ),
    forbid(
      "entry-points-not-tools",
      "^(bin|cli)/",
      { path: "^(sim|bench|cost|scripts|dev-support|test)/" },
      "bin/ and cli/ ship to users: they do not import tools or test code.",
    ),
    forbid(
      "dev-support-not-tests",
      "^dev-support/",
      { path: "^(test|sim|bench|cost|scripts|lib)/" },
      "dev-support/ is below the tests and tools that share it.",
    ),
    forbid(
      "tools-not-tests",
      "^(sim|bench|cost|scripts)/",
      { path: "^test/" },
      "What a tool shares with the tests lives in dev-support/, not test/.",
    ),
    forbid(
      "no-circular",
      "^(core|lambdas|dashboards|lib|bin|cli|dev-support|sim|bench|cost|scripts)/",
      { circular: true },
      "Import cycles hide which module owns a concept.",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(cdk\\.out|node_modules/.*/node_modules)" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    // TypeScript 7 is not a parser dependency-cruiser can load (it supports <7), so it reads the sources with swc.
    parser: "swc",
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mjs", ".js", ".json"],
    },
  },
};
