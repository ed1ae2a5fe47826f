// The check before a Gmail API send: the To and Cc headers against the envelope, read from the
// message's first chunk when it is streamed from storage.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  NarrowEnvelopeError,
  namedOutsideEnvelope,
  refuseNarrowEnvelope,
} from "../../lib/sending/ways/envelope-check";

const headers = [
  "From: ann@example.com",
  "To: undisclosed-recipients:;",
  "cc : Team: Bob <BOB@example.org>, carol@example.net;",
  "Subject: To: dave@example.org",
  "",
  "To: erin@example.org",
].join("\r\n");

describe("namedOutsideEnvelope", () => {
  it("reads To and Cc (folded, grouped, any case), not the subject or the body", () => {
    expect(namedOutsideEnvelope(headers, [])).toEqual(["bob@example.org", "carol@example.net"]);
    expect(namedOutsideEnvelope(headers, ["Bob@Example.org", "carol@example.net"])).toEqual([]);
  });
});

describe("refuseNarrowEnvelope", () => {
  it("reads a streamed message's first chunk only, and refuses what the envelope leaves out", async () => {
    let pulled = 0;
    const stream = () =>
      Readable.from(
        (function* () {
          pulled++;
          yield Buffer.from(`${headers}\r\n`);
          pulled++;
          yield Buffer.from("x".repeat(1000));
        })(),
      );
    await expect(refuseNarrowEnvelope(stream(), ["bob@example.org"])).rejects.toThrow(
      NarrowEnvelopeError,
    );
    pulled = 0;
    await expect(
      refuseNarrowEnvelope(stream(), ["bob@example.org", "carol@example.net"]),
    ).resolves.toBeUndefined();
    expect(pulled).toBe(1);
    await expect(refuseNarrowEnvelope(Buffer.from(headers), [])).rejects.toThrow(
      /names bob@example\.org/,
    );
  });
});
