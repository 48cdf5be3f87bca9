/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it): declared by the domain areas and by http/ alike. */
export type JsonSchema = Record<string, unknown>;
