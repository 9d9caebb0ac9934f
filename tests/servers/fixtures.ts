/**
 * The TLS test certificates of tests/fixtures/tls/ as PEM strings (see the
 * README there for what each one is and how it was made).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function pem(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/tls/${name}.pem`, import.meta.url)), "utf8");
}

/** A server certificate and its private key. */
export interface CertificateFixture {
  cert: string;
  key: string;
}

/** Names of the server certificates. */
export type CertificateName = "server" | "expired" | "wrong-host" | "self-signed";

/** The test CA: it signed every certificate here except `self-signed`. */
export const caCert: string = pem("ca");

function certificate(name: CertificateName): CertificateFixture {
  return { cert: pem(name), key: pem(`${name}-key`) };
}

/**
 * - `server`: localhost, *.test, a.test and 127.0.0.1, signed by the CA;
 * - `expired`: the same names, signed by the CA, expired in 2001;
 * - `wrong-host`: other.invalid only, signed by the CA;
 * - `self-signed`: localhost and 127.0.0.1, signed by itself.
 */
export const certificates: Record<CertificateName, CertificateFixture> = {
  server: certificate("server"),
  expired: certificate("expired"),
  "wrong-host": certificate("wrong-host"),
  "self-signed": certificate("self-signed"),
};
