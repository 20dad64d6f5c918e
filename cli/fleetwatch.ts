/**
 * `npx fleetwatch <command>`: operator commands that run FleetWatch's own code locally.
 */
import { PREFLIGHT_USAGE, preflight } from "./preflight";
import { PROBE_USAGE, probe } from "./probe";

const USAGE = `Usage: fleetwatch <command>

Commands:
  probe https://HOST [...]   poll one BMC like the poller does and print what FleetWatch would record
  preflight -c env=<name>    read-only AWS checks before a deploy (secrets, network, chat, quotas, bootstrap)

${PROBE_USAGE}
${PREFLIGHT_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t), env: process.env };
  switch (command) {
    case "probe":
      return probe(rest, io);
    case "preflight":
      return preflight(rest, io);
    case undefined:
    case "-h":
    case "--help":
    case "help":
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
