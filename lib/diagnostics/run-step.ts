// Runs one diagnostic step under a time limit and reports it as a StepResult, success or not.
import "server-only";
import type { Socket } from "node:net";
import { explainFailure, StepTimeoutError, type Target } from "./explain-failure";
import { STEP_LABELS, type StepName, type StepResult } from "./types";

/** Shared by the steps of one connection test. */
export interface DiagnosticSession {
  target: Target;
  timeoutMs: number;
  /** Every socket opened; all are closed when the test ends, whatever happened. */
  sockets: Socket[];
  /** Set when the test is over: a step still running after its time limit must stop. */
  closed: boolean;
}

/** Registers a socket for clean-up, or destroys it at once if the test already ended. */
export function track<S extends Socket>(session: DiagnosticSession, socket: S): S {
  if (session.closed) socket.destroy();
  else session.sockets.push(socket);
  return socket;
}

/** What a step returns when it succeeds: the value the next step needs, and what to report. */
export interface StepOutcome<V> {
  value: V;
  detail: string;
  facts?: Pick<StepResult, "addresses" | "connectedTo" | "certificate" | "reply">;
}

export async function runStep<V>(
  step: StepName,
  session: DiagnosticSession,
  work: () => Promise<StepOutcome<V>>,
): Promise<{ result: StepResult; value?: V }> {
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeoutError(session.timeoutMs)), session.timeoutMs);
  });
  try {
    const outcome = await Promise.race([work(), timeout]);
    return {
      result: {
        step,
        ok: true,
        skipped: false,
        durationMs: elapsed(),
        detail: outcome.detail,
        ...outcome.facts,
      },
      value: outcome.value,
    };
  } catch (error) {
    const { detail, explanation } = explainFailure(step, error, session.target);
    const reply =
      error instanceof Error && "reply" in error && typeof error.reply === "string"
        ? error.reply
        : undefined;
    return {
      result: {
        step,
        ok: false,
        skipped: false,
        durationMs: elapsed(),
        detail,
        ...(explanation ? { explanation } : {}),
        ...(reply ? { reply } : {}),
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

export function skippedStep(step: StepName, failedStep: StepName): StepResult {
  return {
    step,
    ok: false,
    skipped: true,
    durationMs: 0,
    detail: `Not run: the ${STEP_LABELS[failedStep]} step failed.`,
  };
}
