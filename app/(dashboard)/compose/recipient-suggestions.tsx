"use client";

// Autocomplete for the To, Cc and Bcc fields: addresses the user has sent to before, looked up on
// the server (lib/outbox/suggest-recipients.ts) as they type. `useRecipientSuggestions` is the
// lookup for any recipient input (e.g. a chip input); <RecipientSuggestions> offers them on the
// plain fields with the browser's own <datalist>, which screen readers announce as a combobox.
import { useEffect, useState } from "react";
import { suggestRecipientsAction } from "./flow-actions";
import { splitTyping } from "./recipient-typing";

export const SUGGESTIONS_LIST_ID = "recipient-suggestions";
const FIELD_IDS = ["to", "cc", "bcc"] as const;
/** Typing faster than this makes one lookup, not one per key. */
const DEBOUNCE_MS = 150;

const cache = new Map<string, Promise<string[]>>();

function lookUp(prefix: string): Promise<string[]> {
  const key = prefix.toLowerCase();
  let answer = cache.get(key);
  if (!answer) {
    answer = suggestRecipientsAction(key).catch(() => []);
    cache.set(key, answer);
    // Forget failures and keep the cache small: it only saves repeating a lookup while typing.
    void answer.then((found) => {
      if (found.length === 0 || cache.size > 200) cache.delete(key);
    });
  }
  return answer;
}

/** Earlier recipients starting with `prefix` (an address being typed), at most 8. */
export function useRecipientSuggestions(prefix: string): string[] {
  const [found, setFound] = useState<{ prefix: string; addresses: string[] }>({
    prefix: "",
    addresses: [],
  });
  const wanted = prefix.trim();
  useEffect(() => {
    if (wanted === "") return;
    let current = true;
    const timer = setTimeout(() => {
      void lookUp(wanted).then((addresses) => {
        if (current) setFound({ prefix: wanted, addresses });
      });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [wanted]);
  return wanted !== "" && found.prefix === wanted ? found.addresses : [];
}

/**
 * The <datalist> behind the To, Cc and Bcc fields (found by their ids). Each option is the whole
 * field with the address being typed completed, so choosing one keeps the addresses before it.
 */
export function RecipientSuggestions() {
  const [field, setField] = useState<{ value: string }>({ value: "" });
  const { head, typing } = splitTyping(field.value);
  const addresses = useRecipientSuggestions(typing.includes(">") ? "" : typing);

  useEffect(() => {
    const onInput = (event: Event) => {
      const target = event.target;
      if (!(target instanceof HTMLInputElement)) return;
      if (!(FIELD_IDS as readonly string[]).includes(target.id)) return;
      // Chosen from the list: nothing more to suggest until the next keystroke.
      const chosen = event instanceof InputEvent && event.inputType === "insertReplacementText";
      setField({ value: chosen ? "" : target.value });
    };
    // The fields may be re-rendered (a sent form starts afresh): attach the list each time focus
    // arrives, and follow typing from the document.
    const onFocus = (event: FocusEvent) => {
      const target = event.target;
      if (
        target instanceof HTMLInputElement &&
        (FIELD_IDS as readonly string[]).includes(target.id)
      ) {
        target.setAttribute("list", SUGGESTIONS_LIST_ID);
        setField({ value: target.value });
      }
    };
    for (const id of FIELD_IDS)
      document.getElementById(id)?.setAttribute("list", SUGGESTIONS_LIST_ID);
    document.addEventListener("input", onInput);
    document.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("input", onInput);
      document.removeEventListener("focusin", onFocus);
    };
  }, []);

  return (
    <datalist id={SUGGESTIONS_LIST_ID}>
      {addresses
        // An address already in the field is not offered again.
        .filter((address) => !head.toLowerCase().includes(address))
        .map((address) => (
          <option key={address} value={head + typing + address.slice(typing.length)} />
        ))}
    </datalist>
  );
}
