// Signs in through the emulator's Google consent screen, as a person would.
import { expect, type Page } from "@playwright/test";

export async function signInWithGoogle(
  page: Page,
  baseUrl: string,
  email: string,
  options: { uncheckGmailScope?: boolean } = {},
) {
  await page.goto(baseUrl);
  await page.getByRole("button", { name: "Sign in with Google" }).click();
  await expect(
    page.getByRole("heading", { name: /Sign in|Choose an account/i }).first(),
  ).toBeVisible();
  await page.getByLabel("Email").fill(email);
  if (options.uncheckGmailScope) {
    await page.getByRole("checkbox", { name: /send.*email|Gmail/i }).uncheck();
  }
  await page.getByRole("button", { name: "Continue" }).click();
}
