// The one place that reads process.env: validates every setting once, with Google's real
// endpoints as defaults, and fails with one line naming the variable and what it expects.
import { z } from "zod";

const url = (what: string) =>
  z.url({ message: `must be ${what}, e.g. https://example.com`, protocol: /^https?$/ });

/** A URL that must use https, except on loopback, where the demo and tests run over http. */
const secureUrl = (what: string) =>
  url(what).refine(
    (v) => !URL.canParse(v) || new URL(v).protocol === "https:" || isLoopbackUrl(v),
    {
      message: "must use https:// (http:// is accepted only for localhost, 127.0.0.0/8 and [::1])",
    },
  );

/** A comma-separated list, trimmed and lowercased, empty entries dropped. */
const list = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean),
  );

const bool = (fallback: "true" | "false") =>
  z
    .enum(["true", "false"], { message: 'must be "true" or "false"' })
    .default(fallback)
    .transform((v) => v === "true");

const port = z.coerce
  .number({ message: "must be a port number" })
  .int({ message: "must be a port number" })
  .min(0, { message: "must be a port number (0-65535)" })
  .max(65535, { message: "must be a port number (0-65535)" });

const count = (what: string) =>
  z.coerce
    .number({ message: `must be ${what}` })
    .int({ message: `must be ${what}` })
    .min(0, { message: `must be ${what}` });

const filePath = (what: string) =>
  z.string().refine((v) => !/[\r\n\0]/.test(v), { message: `must be the path of ${what}` });

const encryptionKey = z
  .string({ message: "is required: 32 random bytes in base64 (openssl rand -base64 32)" })
  .refine((v) => decodesTo32Bytes(v), {
    message: "must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)",
  });

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .default("file:./data/mailroom.db")
      .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v), {
        message: 'must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)',
      }),
    NEXTAUTH_URL: secureUrl("the app's public URL"),
    NEXTAUTH_SECRET: z
      .string({ message: "is required: a long random string (openssl rand -base64 32)" })
      .min(16, { message: "must be at least 16 characters (openssl rand -base64 32)" }),
    GOOGLE_CLIENT_ID: z
      .string({
        message: "is required: the OAuth client ID from Google Cloud Console (see README)",
      })
      .min(1, { message: "must not be empty: the OAuth client ID from Google Cloud Console" }),
    GOOGLE_CLIENT_SECRET: z
      .string({
        message: "is required: the OAuth client secret from Google Cloud Console (see README)",
      })
      .min(1, { message: "must not be empty: the OAuth client secret from Google Cloud Console" }),
    GOOGLE_ISSUER: secureUrl("the OAuth issuer URL").default("https://accounts.google.com"),
    // The OAuth app's publishing status is Testing (Google ends every grant 7 days after consent):
    // "true" counts down to each account's expiry; "false" says it is not; unset = Mailroom infers
    // it from the first refresh token that dies 7 days after consent.
    GOOGLE_OAUTH_APP_TESTING: z
      .enum(["true", "false"], { message: 'must be "true" or "false" (or unset to infer it)' })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === "true")),
    GMAIL_API_URL: secureUrl("the Gmail REST root").default("https://gmail.googleapis.com"),
    SMTP_HOST: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, { message: "must be a host name, e.g. smtp.gmail.com" })
      .default("smtp.gmail.com"),
    SMTP_PORT: port.default(465),
    SMTP_SECURE: bool("true"),
    // The port of the other TLS mode, offered by the status page's connection test (465 ↔ 587).
    SMTP_ALT_PORT: port.optional(),
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    // Earlier keys, comma-separated, still accepted for opening tokens sealed before a rotation.
    TOKEN_ENCRYPTION_OLD_KEYS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean),
      )
      .refine((keys) => keys.every(decodesTo32Bytes), {
        message: "must be a comma-separated list of 32-byte base64 keys",
      }),
    // The SMTP submission relay (lib/relay): STARTTLS on RELAY_PORT (unset = off), implicit TLS
    // on RELAY_TLS_PORT; the operator's certificate, else one Mailroom generates under data/.
    RELAY_PORT: port.optional(),
    RELAY_TLS_PORT: port.optional(),
    RELAY_TLS_CERT: filePath("a PEM certificate file").optional(),
    RELAY_TLS_KEY: filePath("a PEM private key file").optional(),
    // Connections one client address may hold open at once, so one client cannot starve others.
    RELAY_MAX_CONNECTIONS_PER_IP: count("a whole number of connections")
      .min(1, { message: "must be at least 1" })
      .default(10),
    // Who may sign in: exact addresses and whole domains (comma-separated). A production server
    // with neither set refuses to start (see superRefine below).
    ALLOWED_EMAILS: list.refine((items) => items.every((item) => /^[^@\s]+@[^@\s]+$/.test(item)), {
      message: "must be a comma-separated list of email addresses, e.g. ada@example.com",
    }),
    ALLOWED_DOMAINS: list.refine(
      (items) => items.every((item) => /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(item)),
      { message: "must be a comma-separated list of domain names, e.g. example.com" },
    ),
    // The audit log keeps security events this many days.
    AUDIT_RETENTION_DAYS: count("a whole number of days")
      .min(1, { message: "must be at least 1" })
      .default(365),
    // Sending limits per Google account, counted by Mailroom over a rolling window: consumer Gmail
    // counts recipients (To + Cc + Bcc), Workspace both messages and recipients.
    DAILY_LIMIT: count("a whole number of recipients").default(500),
    WORKSPACE_DAILY_LIMIT: count("a whole number of messages").default(2000),
    WORKSPACE_DAILY_RECIPIENT_LIMIT: count("a whole number of recipients").default(10_000),
    QUOTA_WINDOW_MINUTES: count("a whole number of minutes")
      .min(1, { message: "must be at least 1" })
      .default(24 * 60),
    // Pace per account so bulk sends spread out; 0 = as fast as Gmail takes them.
    SEND_RATE_PER_MINUTE: count("a whole number of messages per minute (0 = unpaced)").default(60),
    // A message still not sent after this long fails ("expired after N attempts").
    MAX_MESSAGE_AGE_HOURS: count("a whole number of hours")
      .min(1, { message: "must be at least 1" })
      .default(72),
    // One attempt's overall deadline: past it the account's connections are closed and the
    // message is retried later, so a server that stops answering cannot hold a send forever.
    SEND_DEADLINE_SECONDS: count("a whole number of seconds")
      .min(1, { message: "must be at least 1" })
      .default(120),
    // What one user may queue: messages waiting (queued, deferred or sending) at most, and
    // messages accepted per minute (counted per process).
    USER_MAX_QUEUED: count("a whole number of messages")
      .min(1, { message: "must be at least 1" })
      .default(10_000),
    USER_SEND_RATE_PER_MINUTE: count("a whole number of messages per minute")
      .min(1, { message: "must be at least 1" })
      .default(1_000),
    // A message sent from the compose page waits this long before a worker may take it, so
    // "Undo" can still cancel it; 0 sends at once (no Undo).
    UNDO_SECONDS: count("a whole number of seconds (0 = no undo)")
      .max(60, { message: "must be at most 60 seconds" })
      .default(5),
    // Megabytes one user may hold in files uploaded from compose and not yet sent.
    USER_MAX_UPLOAD_MB: count("a whole number of megabytes")
      .min(25, { message: "must be at least 25 (one message's worth)" })
      .default(100),
    // Requests per minute each API key may make (counted per process).
    API_KEY_RATE_PER_MINUTE: count("a whole number of requests per minute")
      .min(1, { message: "must be at least 1" })
      .default(600),
    // PostgreSQL only: connections per pool. Each process keeps two pools (the pages' queries and
    // the outbox's) and one listening connection, so at most 2 × this + 1 connections.
    DATABASE_POOL_SIZE: count("a whole number of connections")
      .min(1, { message: "must be at least 1" })
      .default(5),
    // Messages in flight per worker: enough to keep every account's 3 pooled connections busy.
    WORKER_CONCURRENCY: count("a whole number of parallel sends")
      .min(1, { message: "must be at least 1" })
      .default(16),
    // Sender domain checks (status page): the DNS servers to ask, comma-separated IP addresses with
    // an optional port ("127.0.0.1:5353", "[::1]:53"); empty = the system's resolvers.
    DNS_SERVERS: list.refine((items) => items.every(isDnsServer), {
      message:
        'must be a comma-separated list of IP addresses with optional ports, e.g. "1.1.1.1,127.0.0.1:5353" (empty = the system\'s)',
    }),
    // The DKIM selector the sender domain checks look for: Google Workspace's default is "google"
    // (the key lives at google._domainkey.<domain>).
    DKIM_SELECTOR: z
      .string()
      .regex(
        /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
        {
          message: 'must be a DNS label such as "google" (letters, digits and hyphens)',
        },
      )
      .default("google"),
    // "inline" runs the outbox worker inside the web server; "off" leaves it to `npm run worker`.
    MAILROOM_WORKER: z
      .enum(["inline", "off"], { message: 'must be "inline" or "off"' })
      .default("inline"),
  })
  .superRefine((config, context) => {
    if (config.RELAY_TLS_PORT !== undefined && config.RELAY_PORT === undefined) {
      context.addIssue({
        code: "custom",
        path: ["RELAY_TLS_PORT"],
        message:
          "needs RELAY_PORT too: the relay's implicit-TLS listener runs beside its STARTTLS one",
      });
    }
    if (config.RELAY_TLS_CERT !== undefined && config.RELAY_TLS_KEY === undefined) {
      context.addIssue({
        code: "custom",
        path: ["RELAY_TLS_KEY"],
        message:
          "is required with RELAY_TLS_CERT (the certificate's private key); set both, or neither for a generated certificate",
      });
    }
    if (config.RELAY_TLS_KEY !== undefined && config.RELAY_TLS_CERT === undefined) {
      context.addIssue({
        code: "custom",
        path: ["RELAY_TLS_CERT"],
        message:
          "is required with RELAY_TLS_KEY (the certificate it belongs to); set both, or neither for a generated certificate",
      });
    }
    // Anyone with a Google account could otherwise sign in and send through this server.
    if (
      config.NODE_ENV === "production" &&
      config.ALLOWED_EMAILS.length === 0 &&
      config.ALLOWED_DOMAINS.length === 0
    ) {
      context.addIssue({
        code: "custom",
        path: ["ALLOWED_EMAILS"],
        message:
          "or ALLOWED_DOMAINS must say who may sign in (e.g. ALLOWED_EMAILS=you@gmail.com or ALLOWED_DOMAINS=example.com); a production server refuses to start open to every Google account",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = "EnvError";
  }
}

/** The variables as the schema sees them: unset and empty ones dropped, so defaults apply. */
function setVariables(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => !!entry[1]),
  );
}

/** Validates a set of variables; throws EnvError naming the first bad one. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = setVariables(source);
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? "configuration");
  throw new EnvError(variable, issue?.message ?? "is invalid");
}

export interface EnvIssue {
  variable: string;
  problem: string;
}

/**
 * Every problem with a set of variables (parseEnv stops at the first), and each variable that is
 * valid on its own, so the setup check can name them all and still test what it can.
 */
export function configurationReport(source: Record<string, string | undefined> = process.env): {
  issues: EnvIssue[];
  values: Partial<Env>;
} {
  const cleaned = setVariables(source);
  const result = envSchema.safeParse(cleaned);
  const issues = result.success
    ? []
    : result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "configuration"),
        problem: issue.message,
      }));
  const values: Partial<Env> = {};
  for (const [name, field] of Object.entries(envSchema.shape)) {
    const parsed = field.safeParse(cleaned[name]);
    if (parsed.success && parsed.data !== undefined) {
      (values as Record<string, unknown>)[name] = parsed.data;
    }
  }
  return { issues, values };
}

let cached: Env | undefined;

/** The validated configuration of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

function decodesTo32Bytes(value: string): boolean {
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, "base64").length === 32;
}

/** An IPv4 address or an IPv6 one, with an optional port ("[::1]:53" for IPv6 with a port). */
function isDnsServer(value: string): boolean {
  const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  const ipv6 = /^[0-9a-f]*:[0-9a-f:.]*$/;
  const withPort = /^(.*):(\d{1,5})$/;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) {
    return (
      ipv6.test(bracketed[1] ?? "") && (bracketed[2] === undefined || Number(bracketed[2]) <= 65535)
    );
  }
  if (ipv4.test(value) || ipv6.test(value)) return true;
  const hostPort = withPort.exec(value);
  return !!hostPort && ipv4.test(hostPort[1] ?? "") && Number(hostPort[2]) <= 65535;
}

/** localhost, 127.0.0.0/8 or [::1]: the only hosts where plain http is acceptable. */
export function isLoopbackUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const host = new URL(value).hostname;
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
