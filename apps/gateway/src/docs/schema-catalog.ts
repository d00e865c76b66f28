import type { HeaderObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** An `example` the document shows, with the schema it has to satisfy. */
export interface DocumentedExample {
  /** Where it is shown: the component, or the operation and part. */
  where: string;
  schema: z.core.$ZodType;
  value: unknown;
}

type Json = Record<string, unknown>;

export interface Field {
  name: string;
  required: boolean;
  description?: string;
  schema: SchemaObject;
}

const COMPONENTS = '#/components/schemas/';

/**
 * The OpenAPI 3.0 schemas of zod schemas, through zod's own JSON Schema output. A schema
 * with `.meta({ id })` becomes one entry of components.schemas, referenced wherever it
 * is used; two different schemas under one id are refused. Request parts are described
 * as zod parses them (`io: 'input'`), answers as the code produces them (`'output'`).
 */
export class SchemaCatalog {
  readonly components: Record<string, SchemaObject> = {};
  readonly examples: DocumentedExample[] = [];

  schemaOf(schema: z.ZodType, io: 'input' | 'output', where: string): SchemaObject | ReferenceObject {
    const found: DocumentedExample[] = [];
    const json = z.toJSONSchema(schema, {
      target: 'openapi-3.0',
      io,
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema, path }) => {
        const meta = z.globalRegistry.get(zodSchema);
        if (meta && 'example' in meta) {
          found.push({
            where: `${meta.id ?? where}${path.length ? ` at ${path.join('.')}` : ''}`,
            schema: zodSchema,
            value: meta.example,
          });
        }
        // zod closes every object of an output; an answer may gain fields (API.md), so
        // only an object that refuses unknown keys says so.
        if (io === 'output' && zodSchema._zod.def.type === 'object' && !zodSchema._zod.def.catchall) {
          delete (jsonSchema as Json).additionalProperties;
        }
      },
    }) as Json;
    const { definitions, ...top } = json;
    for (const [id, def] of Object.entries((definitions ?? {}) as Record<string, Json>)) this.add(id, def);
    for (const e of found) if (!this.examples.some((known) => known.schema === e.schema)) this.examples.push(e);
    return rewriteRefs(top) as SchemaObject | ReferenceObject;
  }

  /** Each member of an (unnamed) object of parameters or headers: its name, whether it is required, its description. */
  fieldsOf(object: z.ZodObject, io: 'input' | 'output', where: string): Field[] {
    const json = this.schemaOf(object, io, where) as Json;
    const properties = (json.properties ?? {}) as Record<string, Json>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, { description, ...schema }]) => ({
      name,
      required: required.has(name),
      ...(typeof description === 'string' && { description }),
      schema: schema as SchemaObject,
    }));
  }

  /** Response headers, from the object that names them. */
  headersOf(headers: z.ZodObject, where: string): Record<string, HeaderObject> {
    return Object.fromEntries(this.fieldsOf(headers, 'output', where).map(({ name, ...header }) => [name, header]));
  }

  private add(id: string, def: Json): void {
    const schema = rewriteRefs(def) as SchemaObject;
    const known = this.components[id];
    if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
      throw new Error(`Two different schemas are named ${id}: give one of them another id.`);
    }
    this.components[id] = schema;
  }
}

/**
 * zod points at `#/definitions/<id>`; the document keeps them in components.schemas. And in
 * OpenAPI 3.0 a nullable enum must list `null` among its values to allow it.
 */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (typeof node !== 'object' || node === null) return node;
  const out = Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== '$schema' && key !== '$id')
      .map(([key, value]) => [
        key,
        key === '$ref' && typeof value === 'string' ? value.replace('#/definitions/', COMPONENTS) : rewriteRefs(value),
      ]),
  );
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
