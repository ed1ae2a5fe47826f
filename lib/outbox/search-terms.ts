// What the history's search matches: a message's terms are its recipient addresses and the
// words of its subject, lowercased; a search word finds the messages with a term that starts
// with it. The migration that added MessageSearchTerm made the same terms for older messages.

/** Stripped from both ends of a subject word, so "#1234," is found as "1234". */
export const WORD_PUNCTUATION = ".,;:!?\"'()[]{}<>#*/\\|-_=+&%$~^`";

/** Longer terms are cut: an index entry stays small, and nobody types a 200-character word. */
export const MAX_TERM_LENGTH = 120;

function trimPunctuation(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && WORD_PUNCTUATION.includes(word[start]!)) start++;
  while (end > start && WORD_PUNCTUATION.includes(word[end - 1]!)) end--;
  return word.slice(start, end);
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[ \t\r\n]+/)
    .map(trimPunctuation)
    .filter((w) => w !== "");
}

/** The distinct terms a message is found by. */
export function searchTermsOf(message: {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
}): string[] {
  const addresses = [...message.to, ...message.cc, ...message.bcc]
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a !== "");
  const terms = [...addresses, ...words(message.subject)].map((t) => t.slice(0, MAX_TERM_LENGTH));
  return [...new Set(terms)];
}

/** The words of a search, each matched as the start of a term (at most five are used). */
export function searchWords(query: string): string[] {
  return [...new Set(words(query).map((w) => w.slice(0, MAX_TERM_LENGTH)))].slice(0, 5);
}

/** The range of terms that start with `prefix`, in byte (code point) order: [low, high). */
export function prefixRange(prefix: string): { low: string; high: string } {
  return { low: prefix, high: prefix + "\u{10FFFF}" };
}

/** A Message-ID header for a search that looks like one: with its angle brackets. */
export function messageIdOf(query: string): string | undefined {
  const bare = query.trim().replace(/^<(.*)>$/, "$1");
  return /^[^\s<>@]+@[^\s<>@]+$/.test(bare) ? `<${bare}>` : undefined;
}
