// The ready-to-copy examples of the "Send from your app" page, filled in with this server's
// address. Each reads the key from the MAILROOM_KEY environment variable, never from the page.

export interface ExampleSettings {
  /** The public URL (NEXTAUTH_URL), without a trailing slash. */
  appUrl: string;
  /** An address the user can send from. */
  from: string;
  relay?: {
    host: string;
    /** STARTTLS. */
    port: number;
    /** Implicit TLS, when configured. */
    tlsPort?: number;
    /** The file the client trusts the relay's certificate from (a generated, self-signed one). */
    trustFile?: string;
  };
}

export const KEY_VARIABLE = "MAILROOM_KEY";

export function curlExample({ appUrl, from }: ExampleSettings): string {
  const body = JSON.stringify({
    from,
    to: "Bob <bob@example.org>",
    subject: "Hello from my app",
    text: "Sent through Mailroom.",
  });
  return [
    `curl -X POST ${appUrl}/api/v1/messages \\`,
    `  -H "Authorization: Bearer $${KEY_VARIABLE}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${body.replace(/'/g, "'\\''")}'`,
  ].join("\n");
}

export function nodemailerExample({ from, relay }: ExampleSettings): string {
  if (!relay) return "";
  const trust = relay.trustFile
    ? [
        `  // The relay's certificate is Mailroom's own: trust it (saved from this page).`,
        `  tls: { ca: readFileSync(${JSON.stringify(relay.trustFile)}) },`,
      ]
    : [];
  return [
    `import nodemailer from "nodemailer";`,
    ...(relay.trustFile ? [`import { readFileSync } from "node:fs";`] : []),
    ``,
    `const transport = nodemailer.createTransport({`,
    `  host: ${JSON.stringify(relay.host)},`,
    `  port: ${relay.port},`,
    `  secure: false, // STARTTLS`,
    `  requireTLS: true,`,
    `  auth: { user: "my-app", pass: process.env.${KEY_VARIABLE} },`,
    ...trust,
    `});`,
    ``,
    `const info = await transport.sendMail({`,
    `  from: ${JSON.stringify(from)},`,
    `  to: "Bob <bob@example.org>",`,
    `  subject: "Hello from my app",`,
    `  text: "Sent through Mailroom's SMTP relay.",`,
    `});`,
    `console.log(info.response); // 250 2.6.0 Message queued as …`,
  ].join("\n");
}

export function pythonExample({ from, relay }: ExampleSettings): string {
  if (!relay) return "";
  const context = relay.trustFile
    ? `ssl.create_default_context(cafile=${JSON.stringify(relay.trustFile)})`
    : "ssl.create_default_context()";
  return [
    `import os, smtplib, ssl`,
    `from email.message import EmailMessage`,
    ``,
    `message = EmailMessage()`,
    `message["From"] = ${JSON.stringify(from)}`,
    `message["To"] = "Bob <bob@example.org>"`,
    `message["Subject"] = "Hello from my app"`,
    `message.set_content("Sent through Mailroom's SMTP relay.")`,
    ``,
    `with smtplib.SMTP(${JSON.stringify(relay.host)}, ${relay.port}) as smtp:`,
    `    smtp.starttls(context=${context})`,
    `    smtp.login("my-app", os.environ["${KEY_VARIABLE}"])`,
    `    smtp.send_message(message)`,
  ].join("\n");
}
