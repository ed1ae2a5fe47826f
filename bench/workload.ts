// The messages both phases send: the same senders, recipients, subjects and bodies, by index.

export interface BenchMessage {
  index: number;
  /** Which sending account (0-based). */
  account: number;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export function accountEmail(account: number): string {
  return `bench-sender-${account + 1}@gmail.example`;
}

/** Plain ASCII lines under 78 characters, so the MIME stays 7bit and the size is predictable. */
function body(index: number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let line = 1; size < bytes; line++) {
    const text = `Message ${index}, line ${line}: the quick brown fox jumps over the lazy dog.`;
    lines.push(text);
    size += text.length + 2;
  }
  return lines.join("\r\n");
}

/** Message i goes out from account i mod accounts, so each account sends an equal share. */
export function buildWorkload(options: {
  messages: number;
  accounts: number;
  bodyBytes: number;
}): BenchMessage[] {
  return Array.from({ length: options.messages }, (_, index) => {
    const account = index % options.accounts;
    return {
      index,
      account,
      from: accountEmail(account),
      to: `reader-${index % 97}@example.org`,
      subject: `Mailroom bench message ${index + 1} of ${options.messages}`,
      text: body(index, options.bodyBytes),
    };
  });
}

/**
 * Which of `senders` bare sender processes sends message `index`: whole rounds of one message
 * per account go to each in turn, so every process sends from every account (its own pool per
 * account, as every Mailroom worker process has) and they share the messages evenly.
 */
export function senderOf(index: number, accounts: number, senders: number): number {
  return Math.floor(index / accounts) % senders;
}
