// When a page fails, the person sees an apology, a retry and the digest the operator can look
// up — never the error's message; an unknown address gets a 404 page with a heading and links.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import PageError from "../../app/error";
import GlobalError from "../../app/global-error";
import NotFound from "../../app/not-found";
import { errorDigest } from "../../app/components/error-notice";

// The footer reads the theme cookie (an async server component, which a plain render cannot
// run); the 404's own content is what is tested here, the theme switch in the e2e tests.
vi.mock("../../app/components/site-footer", () => ({ SiteFooter: () => null }));

function serverError(message: string, digest?: string): Error {
  return Object.assign(new Error(message), digest ? { digest } : {});
}

const retry = () => undefined;

describe("the error boundary", () => {
  it("apologises, offers a retry and shows the digest, but not the error's message", () => {
    const html = renderToStaticMarkup(
      createElement(PageError, {
        error: serverError("SQLITE_BUSY: database is locked at /srv/mailroom.db", "2210674537"),
        retry,
      }),
    );
    expect(html).toContain("Something went wrong");
    expect(html).toMatch(/<button[^>]*>Try again<\/button>/);
    expect(html).toMatch(/data-testid="error-digest"[^>]*>2210674537</);
    expect(html).toMatch(/<a[^>]*href="\/"[^>]*>Back to Mailroom<\/a>/);
    expect(html).not.toContain("SQLITE_BUSY");
    expect(html).not.toContain("mailroom.db");
  });

  it("leaves the reference out when the error has no digest (it failed in the browser)", () => {
    const html = renderToStaticMarkup(
      createElement(PageError, { error: new TypeError("x is undefined"), retry }),
    );
    expect(html).toContain("Something went wrong");
    expect(html).not.toContain("error-digest");
    expect(html).not.toContain("x is undefined");
  });

  it("brings its own document when the root layout itself failed", () => {
    const html = renderToStaticMarkup(
      createElement(GlobalError, { error: serverError("boom", "99"), retry }),
    );
    // Without the layout there is no theme cookie to read: the system's colour scheme applies.
    expect(html).toMatch(
      /^<html lang="en" data-theme="system">.*<body class="[^"]*dark:bg-zinc-950/,
    );
    expect(html).toContain("<title>Something went wrong · Mailroom</title>");
    expect(html).toMatch(/data-testid="error-digest"[^>]*>99</);
    expect(html).not.toContain("boom");
  });

  it("reads a digest only when it is a non-empty string", () => {
    expect(errorDigest(serverError("a", "123"))).toBe("123");
    expect(errorDigest({ digest: 123 })).toBeUndefined();
    expect(errorDigest({ digest: "" })).toBeUndefined();
    expect(errorDigest("thrown string")).toBeUndefined();
    expect(errorDigest(null)).toBeUndefined();
  });
});

describe("the not-found page", () => {
  it("has a heading and links back into the app", () => {
    const html = renderToStaticMarkup(createElement(NotFound));
    expect(html).toMatch(/<h1[^>]*>Page not found<\/h1>/);
    expect(html).toMatch(/<a[^>]*href="\/"[^>]*>Back to Mailroom<\/a>/);
    expect(html).toMatch(/<a[^>]*href="\/history"[^>]*>Message history<\/a>/);
  });
});
