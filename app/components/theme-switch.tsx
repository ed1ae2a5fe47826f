"use client";

// System / light / dark, as three radio buttons: applied at once on <html data-theme> and kept
// for a year in a cookie the root layout reads, so the next page arrives in the same scheme.
import { useState } from "react";
import { THEME_COOKIE, THEMES, type Theme } from "./theme-preference";

const LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

export function ThemeSwitch({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    document.documentElement.dataset.theme = next;
    document.cookie = `${THEME_COOKIE}=${next}; Path=/; Max-Age=31536000; SameSite=Lax`;
  };
  return (
    <fieldset className="flex items-center gap-2 text-sm">
      <legend className="sr-only">Colour scheme</legend>
      <span aria-hidden="true" className="text-zinc-600 dark:text-zinc-400">
        Theme
      </span>
      <div className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
        {THEMES.map((value) => (
          <label
            key={value}
            className="cursor-pointer rounded px-2 py-1 text-zinc-700 has-checked:bg-zinc-200 has-checked:font-medium has-checked:text-zinc-900 has-focus-visible:outline-2 has-focus-visible:outline-blue-600 dark:text-zinc-300 dark:has-checked:bg-zinc-700 dark:has-checked:text-zinc-50"
          >
            <input
              type="radio"
              name="theme"
              value={value}
              checked={theme === value}
              onChange={() => choose(value)}
              className="sr-only"
            />
            {LABELS[value]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
