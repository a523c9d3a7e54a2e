/** Light/dark theme: follows prefers-color-scheme unless the user picked one (persisted) or ?theme= is set. */
import { signal } from "@preact/signals";

export type ThemeChoice = "auto" | "light" | "dark";
const KEY = "ui.theme";

function initial(): ThemeChoice {
  const fromDom = document.documentElement.dataset.theme;
  if (fromDom === "light" || fromDom === "dark") return fromDom;
  return "auto";
}

export const theme = signal<ThemeChoice>(initial());

const media = window.matchMedia("(prefers-color-scheme: dark)");
/** Bumps when the effective theme changes, so canvas charts can re-read the CSS colours. */
export const themeVersion = signal(0);
media.addEventListener("change", () => themeVersion.value++);

export function setTheme(choice: ThemeChoice): void {
  theme.value = choice;
  try {
    if (choice === "auto") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* storage may be unavailable (private mode); the choice still applies to this tab */
  }
  if (choice === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  themeVersion.value++;
}

export function cycleTheme(): void {
  setTheme(theme.value === "auto" ? "dark" : theme.value === "dark" ? "light" : "auto");
}

export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
