// Stands in for the "server-only" marker under Vitest, which runs server code outside Next.js.
export {};
