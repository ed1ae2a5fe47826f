// The status page's Sender domain card in Chromium, against the emulator's DNS server: a domain
// whose SPF leaves Google out and that has no DKIM key shows both as problems, in words, with the
// exact record to publish; once the records are fixed, "Check again" shows them OK. At 390 px in
// dark mode the card's long records wrap instead of widening the page.
import { generateKeyPairSync } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

function dkimRecord(): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return `v=DKIM1; k=rsa; p=${publicKey.export({ type: "spki", format: "der" }).toString("base64")}`;
}

test("the Sender domain card names each problem with its record, and a re-check shows the fix", async ({
  page,
}) => {
  app.emu.control.setDnsRecords({
    "example.com": { TXT: ["v=spf1 include:spf.protection.outlook.com -all"] },
    "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:dmarc@example.com"] },
  });
  await signInWithGoogle(page, app.baseUrl, "dana@example.com");
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/status`);

  const card = page.getByRole("region", { name: "Sender domain" });
  const domain = card.getByRole("region", { name: "example.com" });
  await expect(domain).toContainText("From dana@example.com");

  const spf = domain.getByTestId("sender-check-spf");
  await expect(spf).toHaveAttribute("data-level", "fail");
  await expect(spf).toContainText("Problem");
  await expect(spf).toContainText("does not include Google's servers");
  await expect(spf.getByTestId("sender-check-fix-record")).toHaveText(
    "v=spf1 include:_spf.google.com include:spf.protection.outlook.com -all",
  );
  const dkim = domain.getByTestId("sender-check-dkim");
  await expect(dkim).toHaveAttribute("data-level", "fail");
  await expect(dkim).toContainText("No DKIM key at google._domainkey.example.com");
  const dmarc = domain.getByTestId("sender-check-dmarc");
  await expect(dmarc).toHaveAttribute("data-level", "pass");
  await expect(dmarc).toContainText("DMARC policy: reject.");
  await expect(domain.getByTestId("sender-check-unsubscribe")).toContainText(
    "Not required at this volume",
  );

  // The records are fixed at the DNS host; the answers cached a moment ago are asked again.
  app.emu.control.setDnsRecords({
    "example.com": {
      TXT: ["v=spf1 include:_spf.google.com include:spf.protection.outlook.com -all"],
    },
    "google._domainkey.example.com": { TXT: [dkimRecord()] },
    "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject; rua=mailto:dmarc@example.com"] },
  });
  await card.getByRole("button", { name: "Check again" }).click();
  await expect(spf).toHaveAttribute("data-level", "pass");
  await expect(spf).toContainText("OK");
  await expect(spf).toContainText("includes Google's servers directly");
  await expect(dkim).toHaveAttribute("data-level", "pass");
  await expect(dkim).toContainText("(2048-bit RSA)");
  await expect(card).toContainText("Checked again just now.");

  // A phone in dark mode: the 2048-bit key wraps inside the card.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(dkim).toHaveAttribute("data-level", "pass");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
});
