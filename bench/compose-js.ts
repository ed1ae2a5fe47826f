// `npm run bench -- --compose-js`: the compose page's first-load JavaScript, gzipped, read from
// the production build (`npm run build`): the chunks every page loads (Next.js's and React's
// runtime) plus the chunks Next's client-reference manifest lists for the /compose route's
// segments (root and dashboard layouts, their error and not-found boundaries, the page with its
// editor). Polyfills are left out: they load only in browsers without ES modules.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { COMPOSE_JS_TARGET_KB } from "./targets";

const ROUTE = "/(dashboard)/compose/page";

export interface ChunkFigure {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ComposeJsFigures {
  /** Next.js and React: loaded by every page. */
  framework: ChunkFigure[];
  /** The route's chunks that other pages share (layouts, boundaries). */
  shared: ChunkFigure[];
  /** Loaded for compose alone: the form, the editor, the chips. */
  composeOnly: ChunkFigure[];
  totalGzipBytes: number;
}

interface BuildManifest {
  rootMainFiles: string[];
}

type EntryFiles = Record<string, string[]>;

/** The route's entry chunks by segment, as the client-reference manifest lists them. */
function entryFiles(nextDir: string, route: string): EntryFiles {
  const file = path.join(nextDir, "server", "app", `${route}_client-reference-manifest.js`);
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, unknown> } = {};
  sandbox.globalThis = sandbox;
  runInNewContext(readFileSync(file, "utf8"), sandbox);
  const manifest = sandbox.__RSC_MANIFEST?.[route] as { entryJSFiles?: EntryFiles } | undefined;
  if (!manifest?.entryJSFiles) throw new Error(`${file} lists no entry chunks for ${route}`);
  return manifest.entryJSFiles;
}

const clean = (file: string) => file.replace(/^\/?(_next\/)?/, "");

export function measureComposeJs(nextDir: string): ComposeJsFigures {
  const manifestFile = path.join(nextDir, "build-manifest.json");
  if (!existsSync(manifestFile)) {
    throw new Error(`no production build at ${nextDir}: run \`npm run build\` first`);
  }
  const build = JSON.parse(readFileSync(manifestFile, "utf8")) as BuildManifest;
  const figure = (file: string): ChunkFigure => {
    const bytes = readFileSync(path.join(nextDir, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  };
  const framework = new Set(build.rootMainFiles.map(clean));
  const segments = entryFiles(nextDir, ROUTE);
  const pageKey = Object.keys(segments).find((k) => k.endsWith("/compose/page"));
  if (!pageKey) throw new Error("the manifest has no compose page segment");
  const elsewhere = new Set(
    Object.entries(segments)
      .filter(([key]) => key !== pageKey)
      .flatMap(([, files]) => files.map(clean)),
  );
  const route = new Set(Object.values(segments).flat().map(clean));
  const figures: ComposeJsFigures = {
    framework: [...framework].map(figure),
    shared: [...route].filter((f) => !framework.has(f) && elsewhere.has(f)).map(figure),
    composeOnly: [...route].filter((f) => !framework.has(f) && !elsewhere.has(f)).map(figure),
    totalGzipBytes: 0,
  };
  figures.totalGzipBytes = [...figures.framework, ...figures.shared, ...figures.composeOnly]
    .map((c) => c.gzipBytes)
    .reduce((a, b) => a + b, 0);
  return figures;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const sum = (chunks: ChunkFigure[]) => chunks.reduce((a, c) => a + c.gzipBytes, 0);

export function formatComposeJs(figures: ComposeJsFigures): string {
  const lines = ["compose page first-load JS (gzip, level 9), from the production build:"];
  const group = (title: string, chunks: ChunkFigure[]) => {
    lines.push(`  ${title}: ${kb(sum(chunks))}`);
    for (const c of [...chunks].sort((a, b) => b.gzipBytes - a.gzipBytes)) {
      lines.push(`    ${c.file.padEnd(44)} ${kb(c.bytes).padStart(10)} → ${kb(c.gzipBytes)}`);
    }
  };
  group("Next.js + React runtime (every page)", figures.framework);
  group("layouts and boundaries (shared with other pages)", figures.shared);
  group("compose only (form, rich-text editor, recipient chips)", figures.composeOnly);
  const total = figures.totalGzipBytes;
  const met = total <= COMPOSE_JS_TARGET_KB * 1024;
  lines.push(`  total: ${kb(total)} against a target of ≤ ${COMPOSE_JS_TARGET_KB} KB`);
  lines.push(
    met
      ? `  verdict: meets (${kb(COMPOSE_JS_TARGET_KB * 1024 - total)} to spare)`
      : `  verdict: misses by ${kb(total - COMPOSE_JS_TARGET_KB * 1024)}: the runtime every page ` +
          `loads is ${kb(sum(figures.framework))} and the layouts ${kb(sum(figures.shared))} ` +
          `before compose adds ${kb(sum(figures.composeOnly))} (mostly the editor)`,
  );
  return lines.join("\n");
}

/** The bench's entry: prints the figures (or JSON) and returns the exit code. */
export function runComposeJs(options: { json: boolean; nextDir?: string }): number {
  const nextDir = options.nextDir ?? path.resolve(import.meta.dirname, "..", ".next");
  try {
    const figures = measureComposeJs(nextDir);
    console.log(
      options.json
        ? JSON.stringify(
            {
              ...figures,
              targetKb: COMPOSE_JS_TARGET_KB,
              meets: figures.totalGzipBytes <= COMPOSE_JS_TARGET_KB * 1024,
            },
            null,
            2,
          )
        : formatComposeJs(figures),
    );
    return 0;
  } catch (error) {
    console.error(`compose-js: ${(error as Error).message}`);
    return 1;
  }
}
