const STYLES: Record<string, string> = {
  scheduled: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200",
  queued: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  sending: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200",
  sent: "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-200",
  deferred: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  canceled: "bg-zinc-100 text-zinc-600 line-through dark:bg-zinc-800 dark:text-zinc-300",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="status-badge"
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status] ?? STYLES.queued}`}
    >
      {status}
    </span>
  );
}
