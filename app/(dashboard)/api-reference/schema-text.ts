// Short, readable descriptions of the OpenAPI document's JSON Schemas for the reference page.

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
  format?: string;
  maxLength?: number;
  maxItems?: number;
  additionalProperties?: JsonSchema | boolean;
}

/** "string", "string or list of strings", "one of: queued, sent", "Attachment (list)"… */
export function typeText(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.$ref) return schema.$ref.split("/").at(-1) ?? "object";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return `one of: ${schema.enum.map(String).join(", ")}`;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const parts = union.filter((s) => s.type !== "null").map(typeText);
    const nullable = union.some((s) => s.type === "null");
    return parts.join(" or ") + (nullable ? " or null" : "");
  }
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : schema.type;
  if (type === "array") return `list of ${plural(typeText(schema.items))}`;
  if (type === "object" && schema.additionalProperties && !schema.properties) {
    return "object of strings";
  }
  if (type === "string" && schema.format === "date-time") return "date-time string";
  return type ?? "any";
}

function plural(text: string): string {
  return /^(string|number|integer|boolean|object)$/.test(text) ? `${text}s` : text;
}

/** The object schema a $ref or a schema stands for. */
export function resolve(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
): JsonSchema | undefined {
  if (schema?.$ref) return components[schema.$ref.split("/").at(-1) ?? ""];
  return schema;
}
