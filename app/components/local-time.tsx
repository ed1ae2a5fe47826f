"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/** A timestamp in the reader's own timezone (UTC in the server render, local after hydration). */
export function LocalTime({ iso }: { iso: string }) {
  const text = useSyncExternalStore(
    subscribe,
    () => new Date(iso).toLocaleString(),
    () => new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC",
  );
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {text}
    </time>
  );
}
