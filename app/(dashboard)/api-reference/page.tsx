import type { Metadata } from "next";
import { DataTable } from "../../components/data-table";
import { InlineCode } from "./inline-code";
import { resolve, typeText, type JsonSchema } from "./schema-text";
import { API_ERRORS } from "@/lib/api/api-errors";
import { openApiDocument } from "@/lib/api/openapi-document";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema?: JsonSchema }> }
  >;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

// The OpenAPI document (the same one /api/v1/openapi.json serves) as a page: operations, their
// parameters, request fields, answers, and the error codes.
export default async function ApiReferencePage() {
  await requireUser();
  const document = openApiDocument(env().NEXTAUTH_URL);
  const components = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      return operation ? [{ path, method, operation }] : [];
    }),
  );
  const objects = ["NewMessage", "Attachment", "Message", "MessageSummary", "Error"];

  return (
    <article className="space-y-8 wrap-break-word">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
        <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
          <InlineCode text={document.info.description} /> The machine-readable OpenAPI{" "}
          {document.openapi} document is at{" "}
          <a
            href="/api/v1/openapi.json"
            className="font-mono text-blue-600 underline dark:text-blue-400"
          >
            /api/v1/openapi.json
          </a>
          .
        </p>
      </header>

      <nav aria-label="Operations">
        <ul className="space-y-1 text-sm">
          {operations.map(({ path, method, operation }) => (
            <li key={`${method} ${path}`}>
              <a
                href={`#${operation.operationId}`}
                className="text-blue-600 hover:underline dark:text-blue-400"
              >
                <span className="font-mono">
                  {method.toUpperCase()} {path}
                </span>{" "}
                — {operation.summary}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      {operations.map(({ path, method, operation }) => {
        const body = resolve(
          operation.requestBody?.content["application/json"]?.schema,
          components,
        );
        return (
          <section
            key={`${method} ${path}`}
            id={operation.operationId}
            aria-labelledby={`${operation.operationId}-heading`}
            className="space-y-4 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
          >
            <h2 id={`${operation.operationId}-heading`} className="text-lg font-semibold">
              <span className="mr-2 rounded bg-zinc-100 px-2 py-0.5 font-mono text-sm dark:bg-zinc-800">
                {method.toUpperCase()}
              </span>
              <span className="font-mono">{path}</span>
              <span className="block text-base font-normal text-zinc-600 dark:text-zinc-400">
                {operation.summary}
              </span>
            </h2>
            {operation.description && (
              <p className="text-sm">
                <InlineCode text={operation.description} />
              </p>
            )}
            {operation.parameters && operation.parameters.length > 0 && (
              <DataTable caption="Parameters" columns={["Parameter", "In", "Type", "Description"]}>
                {operation.parameters.map((p) => (
                  <tr key={`${p.in} ${p.name}`}>
                    <td className="px-4 py-2 font-mono">
                      {p.name}
                      {p.required && (
                        <span className="text-zinc-500 dark:text-zinc-400"> (required)</span>
                      )}
                    </td>
                    <td className="px-4 py-2">{p.in}</td>
                    <td className="px-4 py-2">{typeText(p.schema)}</td>
                    <td className="px-4 py-2">
                      <InlineCode text={p.description ?? p.schema?.description} />
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
            {body && (
              <p className="text-sm">
                Request body: JSON, a{" "}
                <a href="#schema-NewMessage" className="text-blue-600 underline dark:text-blue-400">
                  {typeText(operation.requestBody?.content["application/json"]?.schema)}
                </a>
                .
              </p>
            )}
            <DataTable caption="Answers" columns={["Status", "Body", "When"]}>
              {Object.entries(operation.responses).map(([status, response]) => (
                <tr key={status}>
                  <td className="px-4 py-2 font-mono">{status}</td>
                  <td className="px-4 py-2">
                    {typeText(response.content?.["application/json"]?.schema)}
                  </td>
                  <td className="px-4 py-2">
                    <InlineCode text={response.description} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </section>
        );
      })}

      <section aria-labelledby="errors-heading" className="space-y-3">
        <h2 id="errors-heading" className="text-lg font-semibold">
          Error codes
        </h2>
        <p className="text-sm">
          Every error is <code className="font-mono">{'{"error":{"code","message"}}'}</code>, with{" "}
          <code className="font-mono">field</code> when one field is to blame.
        </p>
        <DataTable caption="Error codes" columns={["Status", "Code", "When"]}>
          {API_ERRORS.map((e) => (
            <tr key={e.code}>
              <td className="px-4 py-2 font-mono">{e.status}</td>
              <td className="px-4 py-2 font-mono">{e.code}</td>
              <td className="px-4 py-2">
                <InlineCode text={e.when} />
              </td>
            </tr>
          ))}
        </DataTable>
      </section>

      {objects.map((name) => {
        const schema = components[name];
        if (!schema?.properties) return null;
        return (
          <section
            key={name}
            id={`schema-${name}`}
            aria-labelledby={`schema-${name}-heading`}
            className="space-y-3"
          >
            <h2 id={`schema-${name}-heading`} className="text-lg font-semibold">
              <span className="font-mono">{name}</span>
            </h2>
            {schema.description && (
              <p className="text-sm">
                <InlineCode text={schema.description} />
              </p>
            )}
            <DataTable caption={`Fields of ${name}`} columns={["Field", "Type", "Description"]}>
              {Object.entries(schema.properties).map(([field, property]) => (
                <tr key={field}>
                  <td className="px-4 py-2 font-mono whitespace-nowrap">
                    {field}
                    {schema.required?.includes(field) && (
                      <span className="text-zinc-500 dark:text-zinc-400"> (required)</span>
                    )}
                  </td>
                  <td className="px-4 py-2">{typeText(property)}</td>
                  <td className="px-4 py-2">
                    <InlineCode text={property.description} />
                    {property.default !== undefined &&
                      ` Default: ${JSON.stringify(property.default)}.`}
                  </td>
                </tr>
              ))}
            </DataTable>
          </section>
        );
      })}
    </article>
  );
}
