// A small method + path router for node:http, with `:name` path parameters.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  methods: string[];
  segments: string[];
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: "found"; handler: RouteHandler; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "not-found" };

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string | string[], paths: string | string[], handler: RouteHandler): this {
    const methods = Array.isArray(method) ? method : [method];
    for (const path of Array.isArray(paths) ? paths : [paths]) {
      this.routes.push({ methods, segments: split(path), handler });
    }
    return this;
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = split(pathname);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.methods.includes(method)) return { kind: "found", handler: route.handler, params };
      allowed.push(...route.methods);
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "not-found" };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] ?? "";
    const actual = parts[i] ?? "";
    if (expected.startsWith(":")) {
      const value = safeDecode(actual);
      if (value === undefined) return undefined;
      params[expected.slice(1)] = value;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
