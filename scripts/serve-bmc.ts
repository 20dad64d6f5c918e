/**
 * `npm run serve:bmc -- <capture> [--auth basic|session|either] [--port N]`
 *
 * Serves one BMC capture from dev-support/redfish-captures over HTTPS on 127.0.0.1 (the tests' fake BMC),
 * so `npx fleetwatch probe` can be tried before there is a real BMC at hand. Prints the probe
 * command to run; stops on Ctrl-C.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MOCKUPS_DIR, startFakeBmc } from "../dev-support/redfish-bmc-server";
import { testCertificate } from "../dev-support/tls";

const USERNAME = "fleetwatch";
const PASSWORD = "fleetwatch-local-only";

function captures(): string[] {
  const roots: string[] = [];
  for (const dir of readdirSync(MOCKUPS_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    if (existsSync(join(MOCKUPS_DIR, dir.name, "index.json"))) roots.push(dir.name);
    for (const sub of readdirSync(join(MOCKUPS_DIR, dir.name), { withFileTypes: true })) {
      if (sub.isDirectory() && existsSync(join(MOCKUPS_DIR, dir.name, sub.name, "index.json"))) roots.push(`${dir.name}/${sub.name}`);
    }
  }
  return roots.sort();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { auth: { type: "string", default: "either" }, help: { type: "boolean" } },
  });
  const available = captures();
  const capture = positionals[0];
  if (values.help || !capture || !available.includes(capture)) {
    process.stderr.write(
      `Usage: npm run serve:bmc -- <capture> [--auth basic|session|either]\n\ncaptures in dev-support/redfish-captures:\n${available.map((c) => `  ${c}`).join("\n")}\n`,
    );
    process.exit(capture && !values.help ? 2 : 0);
  }
  const auth = values.auth as "basic" | "session" | "either";
  if (!["basic", "session", "either"].includes(auth)) {
    process.stderr.write(`--auth must be basic, session or either (got ${JSON.stringify(values.auth)})\n`);
    process.exit(2);
  }
  const bmc = await startFakeBmc({ mockup: capture, auth, username: USERNAME, password: PASSWORD });
  const caFile = join(mkdtempSync(join(tmpdir(), "fw-bmc-ca-")), "ca.pem");
  writeFileSync(caFile, testCertificate().ca);
  process.stdout.write(
    [
      `serving ${capture} at https://${bmc.host} (auth: ${auth}; a local test password, not a secret)`,
      "probe it from another shell:",
      `  FLEETWATCH_BMC_PASSWORD=${PASSWORD} npx fleetwatch probe https://${bmc.host} --user ${USERNAME} --ca ${caFile}`,
      "Ctrl-C stops the server.",
      "",
    ].join("\n"),
  );
  const stop = () => void bmc.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
