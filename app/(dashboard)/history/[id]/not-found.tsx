import Link from "next/link";

export default function MessageNotFound() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">Message not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        It does not exist, or it belongs to another account.
      </p>
      <Link href="/history" className="text-blue-600 underline dark:text-blue-400">
        Back to the history
      </Link>
    </div>
  );
}
