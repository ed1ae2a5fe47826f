// Starts the Google emulator: OAuth2/OIDC, Gmail REST, inbox and control API on one HTTP origin,
// and Gmail's two SMTP listeners (implicit TLS and STARTTLS) with a locally trusted certificate.
import type { Server } from "node:http";
import { isIP } from "node:net";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CA_COMMON_NAME } from "./ca-store";
import { createCertificateAuthority, issueServerCertificate } from "./certs";
import { createContext } from "./context";
import { startDnsServer, type DnsServer } from "./dns/dns-server";
import { Control } from "./control";
import { createHttpServer } from "./http/server";
import { APP_PASSWORDS_PATH } from "./pages/app-passwords-page";
import { buildRouter } from "./routes";
import { startSmtpListeners } from "./smtp/smtp-listeners";
import type { Emulator, EmulatorOptions } from "./types";

export type * from "./types";
export { loadOrCreateCa, type StoredCa } from "./ca-store";
export { createCertificateAuthority, issueServerCertificate } from "./certs";
export { DEFAULT_CLIENT, DEFAULT_REDIRECT_URI } from "./oauth/clients";

export const SMTP_CERTIFICATE_HOSTNAMES = ["smtp.gmail.com", "localhost", "127.0.0.1"];

/** The host to put in URLs: a wildcard bind is reached through loopback. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return isIP(host) === 6 ? `[${host}]` : host;
}

function listenHttp(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function writeCaFile(
  certPem: string,
  caFile: string | undefined,
): Promise<{ caFile: string; tempDir?: string }> {
  if (caFile) {
    await mkdir(path.dirname(path.resolve(caFile)), { recursive: true });
    await writeFile(caFile, certPem);
    return { caFile: path.resolve(caFile) };
  }
  const tempDir = await mkdtemp(path.join(tmpdir(), "mailroom-emulator-"));
  const file = path.join(tempDir, "ca.pem");
  await writeFile(file, certPem);
  return { caFile: file, tempDir };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const ctx = createContext(options);
  const ca = options.ca ?? (await createCertificateAuthority(`${CA_COMMON_NAME} (ephemeral)`));
  const certificate = await issueServerCertificate(ca, SMTP_CERTIFICATE_HOSTNAMES);
  const { caFile, tempDir } = await writeCaFile(ca.certPem, options.caFile);
  const removeTempDir = async () => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };

  const control = new Control(ctx);
  const http = createHttpServer(buildRouter(ctx, control), ctx.hosts, ctx.log, ctx.now);
  let smtp: Awaited<ReturnType<typeof startSmtpListeners>>;
  let dns: DnsServer | undefined;
  try {
    const httpPort = await listenHttp(http, options.httpPort ?? 0, host);
    ctx.issuer = `http://${urlHost(host)}:${httpPort}`;
    smtp = await startSmtpListeners(ctx, {
      host,
      smtpsPort: options.smtpsPort ?? 0,
      smtpPort: options.smtpPort ?? 0,
      tls: { key: certificate.keyPem, cert: certificate.certPem },
    });
    dns = await startDnsServer({
      host: host === "" ? "0.0.0.0" : host,
      port: options.dnsPort ?? 0,
      records: () => ctx.dnsZone,
    }).catch(async (error: unknown) => {
      await smtp.close();
      throw error;
    });
  } catch (error) {
    if (http.listening) await closeHttp(http);
    await removeTempDir();
    throw error;
  }

  const dnsServer = dns;
  let stopping: Promise<void> | undefined;
  return {
    issuer: ctx.issuer,
    gmailApiUrl: ctx.issuer,
    inboxUrl: `${ctx.issuer}/inbox`,
    appPasswordsUrl: `${ctx.issuer}${APP_PASSWORDS_PATH}`,
    smtp: { host, securePort: smtp.securePort, starttlsPort: smtp.starttlsPort },
    // A wildcard bind is reached through loopback, like the URLs above.
    dns: {
      address: `${urlHost(host) === "localhost" ? "127.0.0.1" : urlHost(host)}:${dnsServer.port}`,
      port: dnsServer.port,
    },
    caCertPem: ca.certPem,
    caFile,
    control,
    stop() {
      stopping ??= (async () => {
        await Promise.all([smtp.close(), closeHttp(http), dnsServer.close()]);
        await removeTempDir();
      })();
      return stopping;
    },
  };
}
