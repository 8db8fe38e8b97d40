import * as z from 'zod/mini';

/**
 * A copy of `schema` carrying documentation (JSON Schema keywords: description, …) for the
 * OpenAPI document: what classic zod's `.describe()` and `.meta()` do, for zod/mini schemas.
 * A copy, as there, so a shared schema keeps its own words where it is used plainly.
 */
export function described<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone() as T;
  z.globalRegistry.add(copy as z.core.$ZodType, meta);
  return copy;
}
