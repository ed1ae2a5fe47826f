// The address a suggestion completes in a comma-separated To/Cc/Bcc field: the last one, after
// a display name's "<" when there is one; what comes before it is kept as typed.
import { describe, expect, it } from "vitest";
import { splitTyping } from "../../app/(dashboard)/compose/recipient-typing";

describe("the address being typed", () => {
  it("is the whole field when it holds one address", () => {
    expect(splitTyping("car")).toEqual({ head: "", typing: "car" });
  });

  it("is the part after the last comma, the addresses and spaces before it kept", () => {
    expect(splitTyping("bob@example.org,  Car")).toEqual({
      head: "bob@example.org,  ",
      typing: "Car",
    });
  });

  it("starts after a display name's angle bracket", () => {
    expect(splitTyping("a@example.org, Carol Jones <ca")).toEqual({
      head: "a@example.org, Carol Jones <",
      typing: "ca",
    });
  });

  it("is empty right after a comma", () => {
    expect(splitTyping("a@example.org, ")).toEqual({ head: "a@example.org, ", typing: "" });
  });
});
