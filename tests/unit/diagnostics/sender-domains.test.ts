// Which From domains the sender domain checks cover: custom domains only, each once, whatever
// the case; Gmail's own domains are Google's to publish records for.
import { describe, expect, it } from "vitest";
import { customDomainsOf } from "../../../lib/diagnostics/sender-domains";

describe("customDomainsOf", () => {
  it("leaves out gmail.com and googlemail.com and groups addresses by domain", () => {
    expect(
      customDomainsOf([
        "ada@gmail.com",
        "ada@GoogleMail.com",
        "ops@Example.com",
        "news@example.com",
        "ops@Example.com",
        "team@shop.example.",
      ]),
    ).toEqual([
      { domain: "example.com", addresses: ["ops@Example.com", "news@example.com"] },
      { domain: "shop.example", addresses: ["team@shop.example."] },
    ]);
  });

  it("has nothing to check for a Gmail address alone", () => {
    expect(customDomainsOf(["ada@gmail.com"])).toEqual([]);
  });
});
