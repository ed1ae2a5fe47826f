// Step 3: secure the connection — a TLS handshake at once (implicit TLS), or after the SMTP
// greeting, EHLO and STARTTLS (STARTTLS) — with full certificate and host name verification.
import "server-only";
import { isIP, type Socket } from "node:net";
import { connect, type PeerCertificate, type TLSSocket } from "node:tls";
import { explainAuthReply, StepFailure } from "./explain-failure";
import { oneLine } from "./redact";
import { track, type DiagnosticSession, type StepOutcome } from "./run-step";
import { ehloKeywords, SmtpDialogue } from "./smtp-dialogue";
import type { CertificateInfo } from "./types";

export const EHLO_NAME = "mailroom.diagnostics";

export async function checkTls(
  session: DiagnosticSession,
  socket: Socket,
): Promise<StepOutcome<TLSSocket>> {
  let prelude = "";
  if (!session.target.secure) prelude = await startTls(socket);
  const secured = await handshake(session, socket);
  const certificate = describeCertificate(secured);
  const detail = [
    prelude,
    `${certificate.protocol ?? "TLS"} to a verified certificate for ${certificate.subject}, issued by ${certificate.issuer}, valid until ${certificate.validTo.slice(0, 10)}.`,
  ]
    .filter(Boolean)
    .join(" ");
  return { value: secured, detail, facts: { certificate } };
}

/** Plain-text part of a STARTTLS session: greeting, EHLO, STARTTLS. */
async function startTls(socket: Socket): Promise<string> {
  const dialogue = new SmtpDialogue(socket);
  try {
    const greeting = await dialogue.read();
    if (greeting.code !== 220) throw unexpected("greeting", greeting.text);
    const ehlo = await dialogue.command(`EHLO ${EHLO_NAME}`);
    if (ehlo.code !== 250) throw unexpected("EHLO", ehlo.text);
    if (!ehloKeywords(ehlo).includes("STARTTLS")) {
      throw new StepFailure("The server does not offer STARTTLS on this port.", {
        title: "STARTTLS not offered",
        meaning:
          "The server speaks SMTP here but will not upgrade the connection to TLS; Mailroom never authenticates in plain text.",
        fix: "Use smtp.gmail.com with port 587 for STARTTLS, or port 465 with implicit TLS (SMTP_SECURE=true).",
        replyId: "5.7.0",
      });
    }
    const ready = await dialogue.command("STARTTLS");
    if (ready.code !== 220) throw unexpected("STARTTLS", ready.text);
    return `STARTTLS accepted (“${oneLine(ready.text)}”), then`;
  } finally {
    dialogue.detach();
  }
}

function handshake(session: DiagnosticSession, socket: Socket): Promise<TLSSocket> {
  const { host } = session.target;
  return new Promise((resolve, reject) => {
    // Verification stays on (the default): a certificate that does not verify is an error here.
    const secured = track(
      session,
      connect({ socket, host, ...(isIP(host) ? {} : { servername: host }) }),
    );
    secured.once("error", reject);
    secured.once("secureConnect", () => {
      secured.off("error", reject);
      secured.on("error", () => undefined);
      if (!secured.authorized) {
        reject(
          new StepFailure(`The certificate did not verify: ${String(secured.authorizationError)}.`),
        );
        return;
      }
      resolve(secured);
    });
  });
}

function describeCertificate(socket: TLSSocket): CertificateInfo {
  const cert: PeerCertificate = socket.getPeerCertificate();
  const cipher = socket.getCipher();
  return {
    subject: first(cert.subject?.CN) ?? "(no common name)",
    altNames: cert.subjectaltname ?? null,
    issuer: describeIssuer(cert),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    verified: socket.authorized,
    protocol: socket.getProtocol(),
    cipher: cipher.standardName ?? cipher.name,
  };
}

function describeIssuer(cert: PeerCertificate): string {
  const cn = first(cert.issuer?.CN);
  const org = first(cert.issuer?.O);
  if (cn && org && cn !== org) return `${cn} (${org})`;
  return cn ?? org ?? "(unknown issuer)";
}

/** Certificate fields can repeat, in which case Node gives an array. */
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function unexpected(stage: string, reply: string): StepFailure {
  return new StepFailure(
    `Unexpected reply to ${stage}: “${oneLine(reply)}”.`,
    explainAuthReply(reply) ?? {
      title: "Unexpected SMTP reply",
      meaning: "The server did not answer the way Gmail does before TLS.",
      fix: "Check that SMTP_HOST points at smtp.gmail.com and SMTP_PORT/SMTP_SECURE match (465 = implicit TLS, 587 = STARTTLS).",
    },
    reply,
  );
}
