import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { CodeBlock } from "./code-block";
import {
  curlExample,
  KEY_VARIABLE,
  nodemailerExample,
  pythonExample,
  type ExampleSettings,
} from "./examples";
import { senderAddresses } from "@/lib/api-keys/sender-addresses";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { MAX_RECIPIENTS } from "@/lib/mail/message-limits";
import { relaySettings } from "@/lib/relay/relay-settings";

export const metadata: Metadata = { title: "Send from your app" };
export const dynamic = "force-dynamic";

/** What the examples call the relay's certificate once it is saved from this page. */
const TRUST_FILE = "mailroom-relay.pem";

const linkClass = "text-blue-600 underline dark:text-blue-400";

// How programs send through this Mailroom: the HTTP API and the SMTP relay, with examples filled in
// with this server's address and, for the relay, its ports and certificate.
export default async function SendFromYourAppPage() {
  const user = await requireUser();
  const [addresses, relay] = await Promise.all([
    senderAddresses(await db(), user.id),
    relaySettings(),
  ]);
  const appUrl = env().NEXTAUTH_URL.replace(/\/+$/, "");
  const certificate =
    relay.enabled && !("error" in relay.certificate) ? relay.certificate : undefined;
  const settings: ExampleSettings = {
    appUrl,
    from: addresses[0] ?? "you@example.com",
    relay: relay.enabled
      ? {
          host: relay.host,
          port: relay.port,
          tlsPort: relay.tlsPort,
          trustFile: certificate?.generated ? TRUST_FILE : undefined,
        }
      : undefined,
  };

  return (
    <article className="max-w-3xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">Send from your app</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Programs send mail through Mailroom with an API key: over HTTP, or over SMTP through
          Mailroom&apos;s relay. Their messages go through the same outbox as the compose form, with
          the same limits (25 MB and {MAX_RECIPIENTS} recipients per message), and show in{" "}
          <Link href="/history" className={linkClass}>
            History
          </Link>{" "}
          with the key&apos;s name.
        </p>
      </header>

      <section aria-labelledby="key-heading" className="space-y-2">
        <h2 id="key-heading" className="text-lg font-semibold">
          1. Make an API key
        </h2>
        <p className="text-sm">
          Create one on{" "}
          <Link href="/settings/api-keys" className={linkClass}>
            API keys
          </Link>{" "}
          and keep it where your program reads its secrets; the examples read it from the{" "}
          <code className="font-mono">{KEY_VARIABLE}</code> environment variable.
          {addresses.length === 0 &&
            " Connect a Google account first: a key needs an address to send from."}
        </p>
      </section>

      <section aria-labelledby="http-heading" className="space-y-3">
        <h2 id="http-heading" className="text-lg font-semibold">
          2. Send over HTTP
        </h2>
        <p className="text-sm">
          <code className="font-mono">POST {appUrl}/api/v1/messages</code> with the key as a bearer
          token; the answer is <code className="font-mono">202</code> once the message is in the
          outbox. Every field, answer and error is in the{" "}
          <Link href="/api-reference" className={linkClass}>
            API reference
          </Link>
          .
        </p>
        <CodeBlock title="curl" code={curlExample(settings)} testId="example-curl" />
      </section>

      <section aria-labelledby="relay-heading" className="space-y-4">
        <h2 id="relay-heading" className="text-lg font-semibold">
          3. Or send over SMTP
        </h2>
        {!relay.enabled ? (
          <p className="text-sm" data-testid="relay-off">
            Mailroom&apos;s SMTP relay is off on this server. Whoever runs Mailroom turns it on by
            setting <code className="font-mono">RELAY_PORT</code> (for example{" "}
            <code className="font-mono">RELAY_PORT=2525</code>) and restarting it;{" "}
            <code className="font-mono">RELAY_TLS_PORT</code> adds a port with implicit TLS.
          </p>
        ) : (
          <>
            <p className="text-sm">
              For programs that speak only SMTP (a legacy app, a cron job, a printer): they log in
              with the API key as the password, and hear <code className="font-mono">250</code> once
              Mailroom has the message.
            </p>
            <h3 className="font-semibold">Settings for an app that asks for an SMTP server</h3>
            <dl
              data-testid="relay-settings"
              className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-xl border border-zinc-200 bg-white p-5 text-sm shadow-sm sm:grid-cols-[max-content_1fr] dark:border-zinc-800 dark:bg-zinc-900"
            >
              <Setting name="Server">
                <code className="font-mono">{relay.host}</code>
              </Setting>
              <Setting name="Port">
                <code className="font-mono">{relay.port}</code> with STARTTLS (often labelled
                “STARTTLS” or “TLS”). Encryption is required before logging in, except for programs
                on the Mailroom server itself.
              </Setting>
              {relay.tlsPort !== undefined && (
                <Setting name="Or port">
                  <code className="font-mono">{relay.tlsPort}</code> with implicit TLS (often
                  labelled “SSL/TLS”).
                </Setting>
              )}
              <Setting name="Authentication">Normal password (AUTH PLAIN or LOGIN)</Setting>
              <Setting name="Username">
                Anything, e.g. your app&apos;s name: Mailroom notes it with each message but does
                not check it.
              </Setting>
              <Setting name="Password">
                An API key (<code className="font-mono">mr_live_…</code>)
              </Setting>
              <Setting name="From address">
                {addresses.length > 0
                  ? `One the key may send from: ${addresses.join(", ")}`
                  : "One the key may send from"}
                , in both the envelope (MAIL FROM) and the From header.
              </Setting>
            </dl>

            <h3 className="font-semibold">The relay&apos;s certificate</h3>
            {certificate ? (
              <div className="space-y-3 text-sm">
                <p>
                  SHA-256 fingerprint:{" "}
                  <code className="font-mono break-all" data-testid="relay-fingerprint">
                    {certificate.fingerprint256}
                  </code>
                  <br />
                  Valid until {certificate.validTo.toISOString().slice(0, 10)}.
                </p>
                {certificate.generated ? (
                  <p>
                    Mailroom made this certificate itself (self-signed), so mail programs do not
                    trust it on their own. Give them the certificate below to trust — the examples
                    expect it saved as <code className="font-mono">{TRUST_FILE}</code> — or, when a
                    program shows you a certificate to accept, check that its SHA-256 fingerprint is
                    the one above. Mailroom makes a new one a month before it expires; to use your
                    own, set <code className="font-mono">RELAY_TLS_CERT</code> and{" "}
                    <code className="font-mono">RELAY_TLS_KEY</code>.
                  </p>
                ) : (
                  <p>This is the certificate set in RELAY_TLS_CERT.</p>
                )}
                <CodeBlock
                  title={`Certificate (${TRUST_FILE})`}
                  code={certificate.certPem}
                  testId="relay-certificate"
                />
              </div>
            ) : (
              <p
                role="alert"
                className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
              >
                The relay&apos;s certificate could not be read:{" "}
                {"error" in relay.certificate ? relay.certificate.error : ""}
              </p>
            )}

            <h3 className="font-semibold">Node.js, with nodemailer</h3>
            <CodeBlock
              title="send.mjs"
              code={nodemailerExample(settings)}
              testId="example-nodemailer"
            />
            <h3 className="font-semibold">Python, with smtplib</h3>
            <CodeBlock title="send.py" code={pythonExample(settings)} testId="example-python" />
          </>
        )}
      </section>
    </article>
  );
}

function Setting({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-zinc-500 dark:text-zinc-400">{name}</dt>
      <dd>{children}</dd>
    </>
  );
}
