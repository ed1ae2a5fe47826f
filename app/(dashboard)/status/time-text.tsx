import { formatAbsolute, formatRelative } from "./format-time";

/** "in 52 minutes (28 Nov 2026, 10:20 UTC)", as a <time> element. */
export function TimeText({ date, now }: { date: Date; now: Date }) {
  return (
    <time dateTime={date.toISOString()}>
      {formatRelative(date, now)}{" "}
      <span className="text-zinc-500 dark:text-zinc-400">({formatAbsolute(date)})</span>
    </time>
  );
}
