import { z } from 'zod'

/** JSON Schema (draft 2020-12 subset that OpenAPI 3.1 accepts) of a contract schema. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >
}
