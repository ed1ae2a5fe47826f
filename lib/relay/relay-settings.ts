// What clients need to reach the relay, as this process is configured: the host (NEXTAUTH_URL's),
// the ports and their TLS modes, and the certificate they will be shown.
import "server-only";
import { env } from "../env";
import { oneLine } from "../errors/one-line";
import { relayCertificate, type RelayCertificate } from "./relay-certificate";

/** The certificate as the dashboard may show it: never its private key. */
export type PublicCertificate = Omit<RelayCertificate, "keyPem">;

/** The host clients reach Mailroom at: NEXTAUTH_URL's, without an IPv6 address's brackets. */
export function relayHostname(): string {
  return new URL(env().NEXTAUTH_URL).hostname.replace(/^\[(.*)\]$/, "$1");
}

export type RelaySettings =
  | { enabled: false }
  | {
      enabled: true;
      host: string;
      /** STARTTLS. */
      port: number;
      /** Implicit TLS, when configured. */
      tlsPort: number | undefined;
      certificate: PublicCertificate | { error: string };
    };

export async function relaySettings(): Promise<RelaySettings> {
  const config = env();
  if (config.RELAY_PORT === undefined) return { enabled: false };
  const certificate = await relayCertificate({
    certFile: config.RELAY_TLS_CERT,
    keyFile: config.RELAY_TLS_KEY,
    hostname: relayHostname(),
  }).then(
    ({ keyPem: _secret, ...shown }): PublicCertificate => shown,
    (error: unknown) => ({ error: oneLine(error) }),
  );
  return {
    enabled: true,
    host: relayHostname(),
    port: config.RELAY_PORT,
    tlsPort: config.RELAY_TLS_PORT,
    certificate,
  };
}
