// The emulator both phases send to, with the same settings: one Google account per sender, a
// daily quota far above the run, the bench's CA (so TLS is verified against it), and optionally
// a Gmail-like delay before each DATA reply. Phases use it through BenchEmulator, which is the
// same whether the emulator runs in the measuring process or in a process of its own.
import { readFileSync } from "node:fs";
import { DEFAULT_CLIENT, startEmulator, type Counters, type IssuedTokens } from "../emulator";
import { startMailboxCollector, type ReceivedMessage } from "./mailbox-collector";
import type { EmulatorDeltas, PhaseResult, PhaseSpec, Spread } from "./phase-types";
import { accountEmail } from "./workload";

export interface BenchEmulator {
  issuer: string;
  gmailApiUrl: string;
  smtp: { host: string; securePort: number };
  issueTokens(email: string): Promise<IssuedTokens>;
  stats(): Promise<Counters>;
  /** Each account's own counters, in the order asked. */
  accountStats(emails: string[]): Promise<Counters[]>;
  /** SMTP connections open right now (a client's idle pooled connections count). */
  openSmtpConnections(): Promise<number>;
  /** Starts draining the mailbox (it keeps only its newest 1,000 messages). */
  startCollecting(): Promise<void>;
  stopCollecting(): Promise<ReceivedMessage[]>;
  stop(): Promise<void>;
}

/**
 * The emulator's own SMTP idle timeout (its default is 60 s): far beyond the bench's wait for
 * idle connections, so only the client closing them brings the open-connection gauge down.
 */
const SMTP_IDLE_TIMEOUT_MS = 600_000;

export const GMAIL_SCOPE = "openid email profile https://mail.google.com/";

export type EmulatorSettings = Pick<PhaseSpec, "messages" | "accounts" | "gmailLatencyMs"> & {
  caCertFile: string;
  caKeyFile: string;
};

export async function startInProcessEmulator(settings: EmulatorSettings): Promise<BenchEmulator> {
  const perAccount = Math.ceil(settings.messages / settings.accounts);
  const emu = await startEmulator({
    ca: {
      certPem: readFileSync(settings.caCertFile, "utf8"),
      keyPem: readFileSync(settings.caKeyFile, "utf8"),
    },
    accounts: Array.from({ length: settings.accounts }, (_, i) => ({
      email: accountEmail(i),
      dailyQuota: Math.max(10_000, perAccount * 2),
    })),
    // The collector drains the mailbox every 200 ms; room for the whole run means a late drain
    // (a busy event loop) still loses nothing.
    mailboxLimit: Math.max(1000, settings.messages),
    smtpIdleTimeoutMs: SMTP_IDLE_TIMEOUT_MS,
    // The bare run with 1,000 accounts opens 3,000 pooled connections at once; Node's default
    // backlog (511) has the kernel reset some. (Linux caps it at net.core.somaxconn.)
    smtpBacklog: 4096,
  });
  if (settings.gmailLatencyMs > 0) {
    // Room for retries: every DATA phase of the run is held, whichever client sends it.
    emu.control.stallNext(settings.messages * 2, { action: "delay", ms: settings.gmailLatencyMs });
  }
  let collector: ReturnType<typeof startMailboxCollector> | undefined;
  return {
    issuer: emu.issuer,
    gmailApiUrl: emu.gmailApiUrl,
    // An address, not "localhost": nodemailer resolves a name through the DNS server first, and
    // a thousand pools connecting at once (--accounts 1000) would time out in that, not in SMTP.
    // The certificate names 127.0.0.1, so TLS is still verified.
    smtp: { host: "127.0.0.1", securePort: emu.smtp.securePort },
    issueTokens: (email) =>
      Promise.resolve(
        emu.control.issueTokens(email, { clientId: DEFAULT_CLIENT.clientId, scope: GMAIL_SCOPE }),
      ),
    stats: () => Promise.resolve(emu.control.stats().total),
    accountStats: (emails) => Promise.resolve(emails.map((email) => emu.control.stats(email))),
    openSmtpConnections: () => Promise.resolve(emu.control.openSmtpConnections()),
    startCollecting() {
      collector ??= startMailboxCollector(emu);
      return Promise.resolve();
    },
    stopCollecting: () => Promise.resolve(collector?.stop() ?? []),
    async stop() {
      collector?.stop();
      await emu.stop();
    },
  };
}

export function emulatorDeltas(before: EmulatorDeltas, after: EmulatorDeltas): EmulatorDeltas {
  return {
    tokenGrants: after.tokenGrants - before.tokenGrants,
    refreshes: after.refreshes - before.refreshes,
    smtpConnections: after.smtpConnections - before.smtpConnections,
    auths: after.auths - before.auths,
    authFailures: after.authFailures - before.authFailures,
    messages: after.messages - before.messages,
  };
}

function spread(values: number[]): Spread {
  return {
    max: values.reduce((a, b) => Math.max(a, b), 0),
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
  };
}

/** Token refreshes and SMTP AUTHs of each account over the window, as max and mean. */
export function perAccountDeltas(before: Counters[], after: Counters[]): PhaseResult["perAccount"] {
  const delta = (name: "refreshes" | "auths") =>
    after.map((counters, i) => counters[name] - (before[i]?.[name] ?? 0));
  return { refreshes: spread(delta("refreshes")), auths: spread(delta("auths")) };
}

/** The longest the bench waits for idle pooled connections to close (lib closes them at 60 s). */
export const IDLE_WAIT_MS = 75_000;

/**
 * The emulator's open SMTP connections at the end of a phase: read once, or (`wait`) polled until
 * none is left or IDLE_WAIT_MS has passed since `since` (performance.now() at the last send).
 */
export async function openSmtpAtEnd(
  emu: BenchEmulator,
  wait: boolean,
  since: number,
): Promise<PhaseResult["openSmtp"]> {
  if (!wait) return { open: await emu.openSmtpConnections(), waitedMs: null };
  for (;;) {
    const open = await emu.openSmtpConnections();
    const waitedMs = performance.now() - since;
    if (open === 0 || waitedMs >= IDLE_WAIT_MS) return { open, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
