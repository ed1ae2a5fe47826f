// Locates Debian's Chromium for Playwright; a missing browser is an error that says how to
// install it, never a skipped test.
import { existsSync } from "node:fs";

export function chromiumPath(): string {
  const candidate = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(candidate)) {
    throw new Error(
      `Chromium not found at ${candidate}. Install it with "apt-get install -y chromium" ` +
        "(or point CHROMIUM_PATH at a Chromium binary); end-to-end tests need it.",
    );
  }
  return candidate;
}

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
