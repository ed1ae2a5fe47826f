// Injected SMTP failures: "the next N transactions answer this reply" and "stall the next N
// DATA phases", consumed in order as transactions reach the matching stage.
import { normalizeEmail } from "../state/accounts";
import type { FailNextOptions, FailStage, FaultRateOptions, StallNextOptions } from "../types";
import { parseReplyText, type GmailReply } from "./gmail-replies";

interface FailRule {
  remaining: number;
  reply: GmailReply;
  stage: FailStage;
  email?: string;
}

interface StallRule {
  remaining: number;
  action: "drop" | "delay";
  ms: number;
  afterBytes: number;
}

export interface Stall {
  action: "drop" | "delay";
  ms: number;
  afterBytes: number;
}

export const DEFAULT_STALL_MS = 5000;

const DEFAULT_RANDOM_REPLIES = [
  "421 4.7.0 Try again later, closing connection.",
  "451 4.3.0 Mail server temporarily rejected message.",
  "454 4.7.0 Cannot authenticate due to a temporary system problem. Try again later.",
];

function positiveCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer.");
  return count;
}

/** A fault drawn at random for one DATA transaction (setFaultRate). */
export interface RandomFault {
  stall?: Stall;
  reply?: GmailReply;
}

interface FaultRate {
  rate: number;
  replies: GmailReply[];
  dropShare: number;
  random: () => number;
}

export class FaultQueue {
  private failures: FailRule[] = [];
  private stalls: StallRule[] = [];
  private faultRate?: FaultRate;

  /** From now on, each DATA transaction fails with probability `rate` (null turns it off). */
  setFaultRate(options: FaultRateOptions | null): void {
    if (!options) {
      this.faultRate = undefined;
      return;
    }
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error("rate must be between 0 and 1.");
    const replies = (options.replies ?? DEFAULT_RANDOM_REPLIES).map(parseReplyText);
    if (replies.some((r) => r.code < 400 || r.code >= 500)) {
      throw new Error("random faults must be temporary (4xx) replies.");
    }
    this.faultRate = {
      rate: options.rate,
      replies,
      dropShare: Math.min(1, Math.max(0, options.dropShare ?? 0.25)),
      random: options.random ?? Math.random,
    };
  }

  /** Draws this transaction's random fault, if a fault rate is set and the dice say so. */
  rollRandomFault(): RandomFault {
    const f = this.faultRate;
    if (!f || f.random() >= f.rate) return {};
    if (f.random() < f.dropShare) return { stall: { action: "drop", ms: 0, afterBytes: 0 } };
    return { reply: f.replies[Math.floor(f.random() * f.replies.length)] ?? f.replies[0] };
  }

  failNext(count: number, reply: string, options: FailNextOptions = {}): void {
    const parsed = parseReplyText(reply);
    if (parsed.code < 400)
      throw new Error(`failNext needs a 4xx or 5xx reply, got ${parsed.code}.`);
    this.failures.push({
      remaining: positiveCount(count),
      reply: parsed,
      stage: options.stage ?? "data",
      email: options.email === undefined ? undefined : normalizeEmail(options.email),
    });
  }

  stallNext(count: number, options: StallNextOptions): void {
    this.stalls.push({
      remaining: positiveCount(count),
      action: options.action,
      ms: Math.max(0, options.ms ?? DEFAULT_STALL_MS),
      afterBytes: Math.max(0, options.afterBytes ?? 0),
    });
  }

  /** The injected reply for this transaction at this stage, if one is queued (and uses it up). */
  takeFailure(stage: FailStage, email: string | undefined): GmailReply | undefined {
    const account = email === undefined ? undefined : normalizeEmail(email);
    const rule = this.failures.find(
      (r) =>
        r.stage === stage && (r.email === undefined || stage === "connect" || r.email === account),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.failures = this.failures.filter((r) => r !== rule);
    return rule.reply;
  }

  takeStall(): Stall | undefined {
    const rule = this.stalls[0];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.stalls.shift();
    return { action: rule.action, ms: rule.ms, afterBytes: rule.afterBytes };
  }

  reset(): void {
    this.failures = [];
    this.stalls = [];
    this.faultRate = undefined;
  }
}
