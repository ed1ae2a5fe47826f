// The attempt's overall deadline (SEND_DEADLINE_SECONDS) passed without an answer from Gmail.
export class SendDeadlineError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(readonly seconds: number) {
    super(`No answer from Gmail within ${seconds} s; the connection was closed`);
    this.name = "SendDeadlineError";
  }
}
