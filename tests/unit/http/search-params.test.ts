// A page's query parameter counts only when given once and valid; anything else reads as absent.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { recordIdSchema } from "../../../lib/http/record-id";
import { searchParam } from "../../../lib/http/search-params";
import { signInErrorMessage } from "../../../lib/auth/sign-in-errors";

describe("searchParam", () => {
  const id = "c000000000000000000000000";

  it("reads a single valid value", () => {
    expect(searchParam({ cursor: id }, "cursor", recordIdSchema)).toBe(id);
  });

  it("ignores a repeated parameter, an invalid one and the object's own properties", () => {
    expect(searchParam({ cursor: [id, id] }, "cursor", recordIdSchema)).toBeUndefined();
    expect(searchParam({ cursor: "x".repeat(10_000) }, "cursor", recordIdSchema)).toBeUndefined();
    expect(
      searchParam({ cursor: "c00000000000000000000000é" }, "cursor", recordIdSchema),
    ).toBeUndefined();
    expect(searchParam({}, "constructor", z.string())).toBeUndefined();
  });
});

describe("signInErrorMessage", () => {
  it("answers names of Object's own properties with the generic sentence", () => {
    for (const code of ["__proto__", "constructor", "toString"]) {
      expect(signInErrorMessage(code)).toBe("Sign-in failed. Please try again.");
    }
  });
});
