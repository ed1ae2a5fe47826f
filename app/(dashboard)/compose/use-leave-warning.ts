"use client";

// Asks before leaving compose with an unsent message: the browser's own prompt when the tab is
// closed or reloaded (beforeunload), and a confirm() for links to other pages of the app, which
// Next.js follows without unloading the page.
import { useEffect, type RefObject } from "react";

export const LEAVE_QUESTION =
  "Your message has not been sent. Leave this page? (Its draft stays in this browser.)";

export function useLeaveWarning(unsent: RefObject<boolean>): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!unsent.current) return;
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = "";
    };
    // Capture phase on the document: before Next's Link handler (on React's root) sees it.
    const onClick = (event: MouseEvent) => {
      if (!unsent.current || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (!(link instanceof HTMLAnchorElement)) return;
      if (link.target && link.target !== "_self") return;
      if (link.hasAttribute("download")) return;
      const to = new URL(link.href, window.location.href);
      const here = window.location;
      // A link within this page (the error summary's links to its fields) leaves nothing.
      if (to.origin === here.origin && to.pathname === here.pathname && to.search === here.search) {
        return;
      }
      if (!window.confirm(LEAVE_QUESTION)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [unsent]);
}
