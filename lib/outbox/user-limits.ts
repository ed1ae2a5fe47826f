// What one user may queue: how many messages may wait at once (checked where the message is
// accepted, in the outbox engine's accept transaction) and how many may be accepted a minute (here,
// per process).
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env";
import { AppError } from "../errors/app-error";

const fmt = (n: number) => n.toLocaleString("en-US");

let limiter: { perMinute: number; memory: RateLimiterMemory } | undefined;

/**
 * Counts one accepted message against the user's rate; refuses with `rate_limited` and the
 * seconds to wait when the user is over it. Kept in this process's memory: with several
 * processes accepting mail, each allows the full rate.
 */
export async function takeSendRate(userId: string): Promise<void> {
  const perMinute = env().USER_SEND_RATE_PER_MINUTE;
  if (limiter?.perMinute !== perMinute) {
    limiter = { perMinute, memory: new RateLimiterMemory({ points: perMinute, duration: 60 }) };
  }
  try {
    await limiter.memory.consume(userId);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    throw new AppError(
      "rate_limited",
      `You are sending more than ${fmt(perMinute)} messages a minute; try again in ${seconds} s.`,
      undefined,
      seconds,
    );
  }
}

/** The refusal when the user's backlog is full. */
export function backlogFullError(waiting: number): AppError {
  return new AppError(
    "rate_limited",
    `You have ${fmt(waiting)} messages waiting; wait for some to go out or cancel some.`,
  );
}
