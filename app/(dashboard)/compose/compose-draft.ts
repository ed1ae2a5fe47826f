// A compose draft in the browser's localStorage: the form's text fields as typed (never files,
// never anything the server holds), one per signed-in user (draft-key.ts).

export type FormValues = Record<string, string>;

interface StoredDraft {
  v: 1;
  savedAt: string;
  values: FormValues;
}

const storageKey = (key: string) => `mailroom:compose-draft:${key}`;

/** The form's text fields: React's own hidden fields ($ACTION_…) and files are left out. */
export function formValues(form: HTMLFormElement): FormValues {
  const values: FormValues = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string" && !name.startsWith("$")) values[name] = value;
  }
  return values;
}

/** Whether two snapshots of the form hold the same message. */
export function sameValues(a: FormValues, b: FormValues): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => (a[name] ?? "") === (b[name] ?? ""));
}

// Storage can be full, or off (private windows, policies): a draft is a convenience, so those
// cases lose the draft, never the page.
export function readDraft(key: string): FormValues | undefined {
  try {
    const raw = window.localStorage.getItem(storageKey(key));
    if (!raw) return undefined;
    const draft = JSON.parse(raw) as Partial<StoredDraft>;
    if (draft.v !== 1 || typeof draft.values !== "object" || draft.values === null)
      return undefined;
    return Object.fromEntries(
      Object.entries(draft.values).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    return undefined;
  }
}

export function writeDraft(key: string, values: FormValues): void {
  const draft: StoredDraft = { v: 1, savedAt: new Date().toISOString(), values };
  try {
    window.localStorage.setItem(storageKey(key), JSON.stringify(draft));
  } catch {
    // Too large for the browser's storage (or none): an older draft must not come back instead.
    clearDraft(key);
  }
}

export function clearDraft(key: string): void {
  try {
    window.localStorage.removeItem(storageKey(key));
  } catch {
    // See readDraft.
  }
}
