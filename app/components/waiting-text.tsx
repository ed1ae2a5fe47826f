import type { WaitingReason } from "@/lib/outbox/waiting-reason";
import { LocalTime } from "./local-time";

export function WaitingText({ reason }: { reason: WaitingReason }) {
  return (
    <span data-testid="waiting-reason" className="text-amber-800 dark:text-amber-300">
      {reason.text}
      {reason.until && (
        <>
          {" "}
          <LocalTime iso={reason.until.toISOString()} />
        </>
      )}
    </span>
  );
}
