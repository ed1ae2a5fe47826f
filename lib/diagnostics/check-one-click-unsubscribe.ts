// Gmail's bulk sender rule for one domain: from about 5,000 messages a day to Gmail addresses,
// marketing and subscribed mail must carry one-click unsubscribe (RFC 8058). Mailroom adds the
// headers a message is given through the HTTP API; this says whether recent mail had them.
import "server-only";
import type { SenderDomainCheck } from "./sender-domain-types";
import type { SenderVolume } from "./read-sender-volume";

/** Gmail's bulk sender threshold: messages a day to personal Gmail addresses. */
export const BULK_SENDER_DAILY = 5_000;
/** From here on the check asks for the headers: half the threshold leaves room to add them. */
export const NEAR_BULK_DAILY = BULK_SENDER_DAILY / 2;

const LABEL = "One-click unsubscribe";

export const ONE_CLICK_EXAMPLE = `POST /api/v1/messages
{
  "from": "news@example.com",
  "to": ["reader@gmail.com"],
  "subject": "…",
  "text": "…",
  "headers": {
    "List-Unsubscribe": "<https://example.com/unsubscribe?u=123>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"
  }
}`;

export function checkOneClickUnsubscribe(domain: string, volume: SenderVolume): SenderDomainCheck {
  const peak = volume.peakDailyRecipients;
  const volumeNote = `At most ${peak.toLocaleString("en-US")} recipients from ${domain} in any day of the last week (all recipients, Gmail addresses or not). Gmail's bulk sender rules apply from ${BULK_SENDER_DAILY.toLocaleString("en-US")} messages a day to Gmail addresses.`;
  const sampleNote =
    volume.sampled === 0
      ? "No sent message from this domain to look at yet."
      : `${volume.oneClick} of the latest ${volume.sampled} sent messages carried both one-click headers.`;
  const fix = {
    text: "Send List-Unsubscribe with an https URL that unsubscribes on a POST, and List-Unsubscribe-Post: List-Unsubscribe=One-Click. The HTTP API takes both per message in its headers field:",
    example: ONE_CLICK_EXAMPLE.replace("news@example.com", `news@${domain}`).replaceAll(
      "https://example.com",
      `https://${domain}`,
    ),
  };
  const all = volume.sampled > 0 && volume.oneClick === volume.sampled;

  if (peak < NEAR_BULK_DAILY) {
    return {
      id: "unsubscribe",
      label: LABEL,
      level: "pass",
      summary: "Not required at this volume.",
      notes: [volumeNote],
      found: [],
      fix: {
        ...fix,
        text: `Needed for marketing mail once you send near ${BULK_SENDER_DAILY.toLocaleString("en-US")} a day. ${fix.text}`,
      },
    };
  }
  if (all) {
    return {
      id: "unsubscribe",
      label: LABEL,
      level: "pass",
      summary: "Recent messages carry one-click unsubscribe headers.",
      notes: [volumeNote, sampleNote],
      found: [],
    };
  }
  const over = peak >= BULK_SENDER_DAILY;
  return {
    id: "unsubscribe",
    label: LABEL,
    level: over ? "fail" : "warn",
    summary: over
      ? "A bulk sender without one-click unsubscribe on every message: Gmail may reject or spam-folder marketing mail from this domain."
      : "Close to Gmail's bulk sender threshold, and recent messages lack one-click unsubscribe headers.",
    notes: [
      volumeNote,
      sampleNote,
      "Transactional mail (receipts, password resets) does not need them.",
    ],
    found: [],
    fix,
  };
}
