// Injected SMTP failures: "the next N transactions answer this reply" and "stall the next N
// DATA phases", consumed in order as transactions reach the matching stage.
import { normalizeEmail } from "../state/accounts";
import type { FailNextOptions, FailStage, StallNextOptions } from "../types";
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

function positiveCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error("count must be a positive integer.");
  return count;
}

export class FaultQueue {
  private failures: FailRule[] = [];
  private stalls: StallRule[] = [];

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
  }
}
