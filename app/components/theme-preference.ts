// The colour scheme a person chose, kept in a cookie so the server renders the page in it.
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_COOKIE = "mailroom-theme";

/** The stored choice; anything else (absent, tampered) is "system". */
export function parseTheme(value: string | undefined): Theme {
  return THEMES.find((theme) => theme === value) ?? "system";
}
