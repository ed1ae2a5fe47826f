import { currentTheme } from "./current-theme";
import { ThemeSwitch } from "./theme-switch";

/** The foot of every page a person reads: where the colour scheme is chosen. */
export async function SiteFooter() {
  const theme = await currentTheme();
  return (
    <footer className="mx-auto flex max-w-5xl justify-end px-4 py-6 sm:px-6">
      <ThemeSwitch initial={theme} />
    </footer>
  );
}
