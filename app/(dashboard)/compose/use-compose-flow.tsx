"use client";

// Everything around writing a message that is not a field: the draft kept in the browser as it is
// typed and restored when compose opens, the warning before leaving it unsent, the question
// before sending without a subject, and "Undo" after sending. The form plugs it in at a few
// points (compose-form.tsx): its starting values and key, its submit handler, and the parts
// rendered around it.
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  useTransition,
  type FormEvent,
  type RefObject,
} from "react";
import {
  clearDraft,
  formValues,
  readDraft,
  sameValues,
  writeDraft,
  type FormValues,
} from "./compose-draft";
import { EmptySubjectDialog } from "./empty-subject-dialog";
import { undoSendAction } from "./flow-actions";
import { RecipientSuggestions } from "./recipient-suggestions";
import { UndoToast, type ToastState } from "./undo-toast";
import { useLeaveWarning } from "./use-leave-warning";

/** Typing pauses this long before the draft is written. */
const SAVE_DELAY_MS = 500;

interface Restored {
  values: FormValues;
  /** The action state it was restored under: a later answer (sent, refused) replaces it. */
  state: unknown;
}

export function useComposeFlow({
  formRef,
  draftKey,
  initial,
  state,
  sent,
}: {
  formRef: RefObject<HTMLFormElement | null>;
  /** Whose drafts (draft-key.ts); without it no draft is kept. */
  draftKey?: string;
  /** A "Send again" copy: it wins over a draft. */
  initial?: FormValues;
  /** The send action's state object (a new one after every answer). */
  state: unknown;
  sent?: { id: string; undoSeconds?: number };
}) {
  const [restored, setRestored] = useState<Restored>();
  const [generation, setGeneration] = useState(0);
  const [draftNote, setDraftNote] = useState(false);
  const [toast, setToast] = useState<ToastState>();
  const [asking, setAsking] = useState(false);
  const [undoing, startUndo] = useTransition();
  /** The form as it opened: a message equal to it is not unsent work. */
  const pristine = useRef<FormValues>(undefined);
  const unsent = useRef(false);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const submitted = useRef<FormValues>({});
  const subjectConfirmed = useRef(false);

  const restore = useCallback(
    (values: FormValues) => {
      setRestored({ values, state });
      setGeneration((g) => g + 1);
      unsent.current = true;
    },
    [state],
  );

  const saveNow = useCallback(() => {
    clearTimeout(saveTimer.current);
    saveTimer.current = undefined;
    const form = formRef.current;
    if (!form || !draftKey) return;
    const values = formValues(form);
    unsent.current = !pristine.current || !sameValues(values, pristine.current);
    if (unsent.current) writeDraft(draftKey, values);
    else clearDraft(draftKey);
  }, [formRef, draftKey]);

  // Opening compose: note the empty (or copied) form, then bring back a draft unless a copy came.
  useEffect(() => {
    if (formRef.current) pristine.current = formValues(formRef.current);
    if (!draftKey || initial) return;
    const draft = readDraft(draftKey);
    if (!draft || (pristine.current && sameValues(draft, pristine.current))) return;
    // Restored after the first render: localStorage is the browser's, the server cannot see it.
    restore(draft);
    setDraftNote(true);
    // Once, when compose opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Every change to the form (its fields fire bubbling input events) marks it unsent and saves.
  useEffect(() => {
    const onInput = (event: Event) => {
      if (!(event.target instanceof Node) || !formRef.current?.contains(event.target)) return;
      subjectConfirmed.current = false;
      // Until the save compares it with the opened form, any change counts as unsent.
      unsent.current = true;
      clearTimeout(saveTimer.current);
      saveTimer.current = setTimeout(saveNow, SAVE_DELAY_MS);
    };
    // A change still waiting for its save is written before the page goes away.
    const flush = () => {
      if (saveTimer.current !== undefined) saveNow();
    };
    document.addEventListener("input", onInput);
    window.addEventListener("pagehide", flush);
    return () => {
      document.removeEventListener("input", onInput);
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [formRef, saveNow]);

  // Sent: the draft is done with, and "Undo" is offered while the server holds the message.
  const sentId = sent?.id;
  const undoSeconds = sent?.undoSeconds ?? 0;
  useEffect(() => {
    if (!sentId) return;
    clearTimeout(saveTimer.current);
    saveTimer.current = undefined;
    if (draftKey) clearDraft(draftKey);
    unsent.current = false;
    setDraftNote(false);
    setToast({
      kind: "sent",
      id: sentId,
      undoUntil: undoSeconds > 0 ? Date.now() + undoSeconds * 1000 : undefined,
    });
  }, [sentId, undoSeconds, draftKey]);

  useLeaveWarning(unsent);

  const undo = (id: string) =>
    startUndo(async () => {
      const answer = await undoSendAction(id);
      if ("canceled" in answer) {
        const values = submitted.current;
        restore(values);
        if (draftKey) writeDraft(draftKey, values);
        setToast({ kind: "canceled" });
      } else if ("tooLate" in answer) {
        setToast({ kind: "too-late", id, status: answer.tooLate });
      } else {
        setToast({ kind: "error", message: answer.error });
      }
    });

  return {
    /** The values the form starts with when a draft or an undone message was put back. */
    values: restored && restored.state === state ? restored.values : undefined,
    /** Part of the form's key: the form starts afresh with each restore. */
    generation,
    /** Call from the form's onSubmit once its own checks passed; may hold the submit back. */
    onSubmit(event: FormEvent<HTMLFormElement>) {
      const values = formValues(event.currentTarget);
      if ((values.subject ?? "").trim() === "" && !subjectConfirmed.current) {
        event.preventDefault();
        setAsking(true);
        return;
      }
      subjectConfirmed.current = false;
      submitted.current = values;
      setToast(undefined);
    },
    /** The note above the fields when a draft came back. */
    notice: draftNote ? (
      <p
        data-testid="draft-note"
        className="flex flex-wrap items-center gap-x-2 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200"
      >
        Draft restored ·
        <button
          type="button"
          className="font-medium text-blue-700 underline hover:text-blue-800 dark:text-blue-300"
          onClick={() => {
            if (draftKey) clearDraft(draftKey);
            unsent.current = false;
            setDraftNote(false);
            setRestored({ values: pristine.current ?? {}, state });
            setGeneration((g) => g + 1);
          }}
        >
          Discard
        </button>
      </p>
    ) : null,
    /** The toast (before the form, for the Tab order), the dialog and the suggestions list. */
    parts: (
      <>
        <UndoToast
          toast={toast}
          undoing={undoing}
          onUndo={undo}
          onDismiss={() => setToast(undefined)}
        />
        <EmptySubjectDialog
          open={asking}
          onSend={() => {
            setAsking(false);
            subjectConfirmed.current = true;
            formRef.current?.requestSubmit();
          }}
          onCancel={() => {
            setAsking(false);
            document.getElementById("subject")?.focus();
          }}
        />
        <RecipientSuggestions />
      </>
    ),
  };
}
