import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { z } from 'zod';
import { ProviderError } from './errors';
import type { LlmRequest } from './types';

/** A JSON Schema, as a plain object. */
export type JsonSchema = Record<string, unknown>;

// Converting a schema costs more than the rest of a turn: do it once per schema.
const jsonSchemas = new WeakMap<z.ZodType, JsonSchema>();

/** The full JSON Schema of a zod schema's output, made once per schema. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let converted = jsonSchemas.get(schema);
  if (!converted) {
    converted = z.toJSONSchema(schema, { io: 'output' }) as JsonSchema;
    jsonSchemas.set(schema, converted);
  }
  return converted;
}

/**
 * Why a zod schema cannot be asked for as structured output (empty when it can): it has no
 * JSON Schema (`z.date()`), it cannot be expressed in the subset Claude accepts
 * (`z.unknown()`, recursion), or the subset would lose it silently (a `z.record()`, whose
 * free keys become an object that must stay empty).
 */
export function outputSchemaProblems(schema: z.ZodType): string[] {
  let json: JsonSchema;
  try {
    json = jsonSchemaOf(schema);
  } catch (error) {
    return [`it has no JSON Schema: ${(error as Error).message}`];
  }
  const problems = freeKeyObjects(json).map(
    (path) =>
      `${path || '(root)'} is a record (an object with free keys), which structured output cannot express; use an array of objects instead`,
  );
  try {
    problems.push(...structuredOutputProblems(structuredOutputSchema(json)));
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

/** Paths of objects that have no fixed properties but accept any key (records). */
function freeKeyObjects(node: unknown, path = ''): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as JsonSchema;
  const found: string[] = [];
  const free = record.additionalProperties;
  const properties = (record.properties ?? {}) as JsonSchema;
  if (
    (free === true ||
      (typeof free === 'object' && free !== null) ||
      'patternProperties' in record) &&
    Object.keys(properties).length === 0
  )
    found.push(path);
  for (const [key, child] of Object.entries(properties))
    found.push(...freeKeyObjects(child, path ? `${path}.${key}` : key));
  if (record.items) found.push(...freeKeyObjects(record.items, `${path}[]`));
  for (const key of ['anyOf', 'allOf', 'oneOf'])
    if (Array.isArray(record[key]))
      for (const branch of record[key]) found.push(...freeKeyObjects(branch, path));
  if (typeof free === 'object' && free !== null) found.push(...freeKeyObjects(free, `${path}{}`));
  return found;
}

// Adapting a schema walks all of it: do it once per schema object (generateObject hands the
// same object to every call made with one zod schema).
const adapted = new WeakMap<JsonSchema, JsonSchema>();

/**
 * The JSON Schema subset that Claude's structured outputs accept, made from any JSON Schema
 * with the SDK's own transform: every object closed (`additionalProperties: false`), and the
 * keywords outside the subset (`minimum`, `maxLength`, `pattern`, `maxItems`, …) moved into
 * the description, where the model still reads them. The reply must still be validated
 * against the full schema. Ollama gets the same subset, which its grammar converter reads
 * whole (a `pattern` it cannot compile would make it refuse the request).
 *
 * Throws a `TypeError` naming the problem when a schema cannot be expressed at all (a node
 * without a type, such as `z.unknown()`).
 */
export function structuredOutputSchema(schema: JsonSchema): JsonSchema {
  let result = adapted.get(schema);
  if (!result) {
    try {
      result = transformJSONSchema(schema);
    } catch (error) {
      throw new TypeError(
        `This schema cannot be sent as structured output: ${(error as Error).message}`,
      );
    }
    adapted.set(schema, result);
  }
  return result;
}

/**
 * The structured-output schema of a request for `provider`, or undefined without one. A schema
 * that cannot be expressed is a `bad_request` before any call: it would fail everywhere.
 */
export function requestOutputSchema(provider: string, request: LlmRequest): JsonSchema | undefined {
  if (!request.output) return undefined;
  try {
    return structuredOutputSchema(request.output.schema);
  } catch (error) {
    throw new ProviderError(provider, 'bad_request', (error as Error).message, { cause: error });
  }
}

const STRING_FORMATS = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'uri',
  'ipv4',
  'ipv6',
  'uuid',
]);
const ANNOTATIONS = ['description', 'title', '$defs', 'definitions'];
const COMPOSITION = ['anyOf', 'allOf', '$ref', 'enum', 'const'];
const ALLOWED_BY_TYPE: Record<string, string[]> = {
  object: ['properties', 'required', 'additionalProperties'],
  array: ['items', 'minItems'],
  string: ['format'],
  integer: [],
  number: [],
  boolean: [],
  null: [],
};

/**
 * What Claude's API refuses in an `output_config.format.schema`, as the API words it (one
 * message per problem, empty when the schema is accepted): the rules of the structured-output
 * subset. The fake Anthropic server answers 400 with the first of them, and `defineWorkflow`
 * checks every stage's artifact schema with it.
 */
export function structuredOutputProblems(schema: unknown): string[] {
  const problems: string[] = [];
  const root = schema;
  const visiting: unknown[] = [];

  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      problems.push('Schemas must be objects; boolean schemas are not supported');
      return;
    }
    if (visiting.includes(node)) {
      problems.push('Recursive schemas are not supported');
      return;
    }
    visiting.push(node);
    const record = node as JsonSchema;
    checkNode(record);
    for (const key of ['$defs', 'definitions', 'properties']) {
      const children = record[key];
      if (children && typeof children === 'object') Object.values(children).forEach(visit);
    }
    for (const key of ['anyOf', 'allOf']) {
      const branches = record[key];
      if (Array.isArray(branches)) branches.forEach(visit);
    }
    if (record.items !== undefined) visit(record.items);
    if (typeof record.$ref === 'string') {
      const target = resolveRef(root, record.$ref);
      if (target === undefined) problems.push(`The reference '${record.$ref}' cannot be resolved`);
      else if (visiting.includes(target)) problems.push('Recursive schemas are not supported');
      else visit(target);
    }
    visiting.pop();
  };

  const checkNode = (node: JsonSchema): void => {
    if ('oneOf' in node) problems.push("'oneOf' is not supported; use 'anyOf'");
    if (node.enum !== undefined && !primitives(node.enum))
      problems.push("'enum' values must be strings, numbers, booleans or null");
    if (node.const !== undefined && !primitive(node.const))
      problems.push("'const' must be a string, number, boolean or null");
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#'))
      problems.push(`Only local references are supported, not '${node.$ref}'`);
    const types = typesOf(node.type);
    if (types === null) {
      problems.push(`Unsupported type: ${JSON.stringify(node.type)}`);
      return;
    }
    const composed = COMPOSITION.some((key) => key in node);
    if (types.length === 0 && !composed) {
      problems.push('Every schema must have a type, or anyOf, allOf, enum, const or $ref');
      return;
    }
    const allowed = new Set([
      'type',
      ...ANNOTATIONS,
      ...COMPOSITION,
      ...types.flatMap((type) => ALLOWED_BY_TYPE[type] ?? []),
    ]);
    const extra = Object.keys(node)
      .filter((key) => !allowed.has(key) && key !== '$schema')
      .sort();
    const label = types.length === 1 ? `For '${types[0]}' type, ` : '';
    if (extra.length === 1) problems.push(`${label}property '${extra[0]}' is not supported`);
    else if (extra.length > 1)
      problems.push(`${label}properties ${extra.join(', ')} are not supported`);
    if (types.includes('object') && node.additionalProperties !== false)
      problems.push("For 'object' type, 'additionalProperties' must be explicitly set to false");
    if (types.includes('object') && Array.isArray(node.required)) {
      const properties = (node.properties ?? {}) as JsonSchema;
      for (const name of node.required)
        if (!hasOwn(properties, String(name)))
          problems.push(`Required property '${String(name)}' is not defined in 'properties'`);
    }
    if (
      types.includes('array') &&
      node.minItems !== undefined &&
      ![0, 1].includes(node.minItems as number)
    )
      problems.push("For 'array' type, 'minItems' values other than 0 or 1 are not supported");
    if (
      types.includes('string') &&
      node.format !== undefined &&
      !STRING_FORMATS.has(node.format as string)
    )
      problems.push(`For 'string' type, format '${String(node.format)}' is not supported`);
  };

  visit(schema);
  return [...new Set(problems)];
}

function typesOf(type: unknown): string[] | null {
  if (type === undefined) return [];
  const list = Array.isArray(type) ? type : [type];
  return list.every((item) => typeof item === 'string' && item in ALLOWED_BY_TYPE)
    ? (list as string[])
    : null;
}

function resolveRef(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !hasOwn(node as JsonSchema, key))
      return undefined;
    node = (node as JsonSchema)[key];
  }
  return node;
}

function primitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function primitives(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every(primitive);
}

function hasOwn(object: JsonSchema, key: string): boolean {
  return Object.hasOwn(object, key);
}
