// The compose page's first-load JS figure (`npm run bench -- --compose-js`), read from a build's
// manifests: the runtime every page loads, the route's shared chunks and compose's own, gzipped.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { formatComposeJs, measureComposeJs } from "../../bench/compose-js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A .next folder with the two manifests and chunks of the given contents. */
function fakeBuild(chunks: Record<string, string>, segments: Record<string, string[]>) {
  const dir = mkdtempSync(path.join(tmpdir(), "compose-js-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "static", "chunks"), { recursive: true });
  for (const [name, body] of Object.entries(chunks)) {
    writeFileSync(path.join(dir, "static", "chunks", name), body);
  }
  writeFileSync(
    path.join(dir, "build-manifest.json"),
    JSON.stringify({ rootMainFiles: ["static/chunks/runtime.js"], polyfillFiles: ["x.js"] }),
  );
  const page = path.join(dir, "server", "app", "(dashboard)", "compose");
  mkdirSync(page, { recursive: true });
  const manifest = { entryJSFiles: segments };
  writeFileSync(
    path.join(page, "page_client-reference-manifest.js"),
    `globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};\n` +
      `globalThis.__RSC_MANIFEST["/(dashboard)/compose/page"] = ${JSON.stringify(manifest)};`,
  );
  return dir;
}

const gz = (s: string) => gzipSync(Buffer.from(s), { level: 9 }).length;

describe("measureComposeJs", () => {
  it("sums the runtime, the layouts and compose's own chunks, each once", () => {
    const runtime = "r".repeat(5000);
    const layout = "function layout(){}".repeat(100);
    const editor = Array.from({ length: 3000 }, (_, i) => `n${i * 7919}`).join(",");
    const dir = fakeBuild(
      { "runtime.js": runtime, "layout.js": layout, "editor.js": editor },
      {
        "[project]/app/layout": ["static/chunks/layout.js"],
        "[project]/app/(dashboard)/compose/page": [
          "/_next/static/chunks/layout.js",
          "static/chunks/editor.js",
        ],
      },
    );
    const figures = measureComposeJs(dir);
    expect(figures.framework.map((c) => c.file)).toEqual(["static/chunks/runtime.js"]);
    expect(figures.shared.map((c) => c.file)).toEqual(["static/chunks/layout.js"]);
    expect(figures.composeOnly.map((c) => c.file)).toEqual(["static/chunks/editor.js"]);
    expect(figures.totalGzipBytes).toBe(gz(runtime) + gz(layout) + gz(editor));
    expect(formatComposeJs(figures)).toMatch(/verdict: meets/);
  });

  it("says the target is missed, and by how much, past 150 KB", () => {
    const big = Array.from({ length: 60_000 }, (_, i) => `v${(i * 2654435761) % 1e9}`).join(";");
    const dir = fakeBuild(
      { "runtime.js": "r", "page.js": big },
      { "[project]/app/(dashboard)/compose/page": ["static/chunks/page.js"] },
    );
    const figures = measureComposeJs(dir);
    expect(figures.totalGzipBytes).toBeGreaterThan(150 * 1024);
    expect(formatComposeJs(figures)).toMatch(/verdict: misses by \d+\.\d KB/);
  });

  it("asks for a build when there is none", () => {
    expect(() => measureComposeJs(path.join(tmpdir(), "no-such-build"))).toThrow(
      "run `npm run build` first",
    );
  });
});
