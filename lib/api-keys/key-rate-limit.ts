// How many requests an API key may make a minute (API_KEY_RATE_PER_MINUTE), counted in this
// process's memory by rate-limiter-flexible: with several web processes each allows the full rate.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env";
import { AppError } from "../errors/app-error";

let limiter: { perMinute: number; memory: RateLimiterMemory } | undefined;

export async function takeKeyRequest(keyId: string): Promise<void> {
  const perMinute = env().API_KEY_RATE_PER_MINUTE;
  if (limiter?.perMinute !== perMinute) {
    limiter = { perMinute, memory: new RateLimiterMemory({ points: perMinute, duration: 60 }) };
  }
  try {
    await limiter.memory.consume(keyId);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    throw new AppError(
      "rate_limited",
      `This key made more than ${perMinute.toLocaleString("en-US")} requests in a minute; try again in ${seconds} s.`,
      undefined,
      seconds,
    );
  }
}
