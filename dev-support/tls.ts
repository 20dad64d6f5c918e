/**
 * A throwaway self-signed certificate for local HTTPS test servers (Redfish BMC fakes, Azure
 * fakes). Generated with openssl per test run; the key never leaves the temp dir.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  /** PEM certificate; also the CA to trust (it is self-signed). */
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

let cached: TestCertificate | undefined;

export function testCertificate(): TestCertificate {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "fw-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"), "utf8");
  cached = { cert, key: readFileSync(join(dir, "key.pem"), "utf8"), ca: cert };
  return cached;
}
