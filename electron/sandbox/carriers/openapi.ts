// An OpenAPI contract checker for the carrier sandboxes: loads a provider's document (3.0 or 3.1),
// finds an operation by method + path template, and validates a request body or a reply body
// (by status code) against it, naming the JSON path at fault. The documents are 400–500 KB, so
// each operation's validators are compiled on first use only.
import { readFileSync } from 'node:fs';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
type Direction = 'request' | 'response';

export type CheckResult = { ok: true } | { ok: false; errors: string[] };

export interface OperationMatch {
  /** The path template as the document writes it, e.g. `/v1/labels/{label_id}/void`. */
  template: string;
  params: Record<string, string>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
// Formats the providers use that JSON Schema does not define: annotations only.
const LOOSE_FORMATS = ['pdf', 'url', 'datetime', 'iso-3166', 'iso-3166-1-alpha-2', 'iso-4217', ''];

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointerGet(doc: Json, pointer: string): Json {
  if (!pointer.startsWith('#')) throw new Error(`Only local references are supported, not ${pointer}`);
  let node: Json = doc;
  for (const raw of pointer.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node) && !Array.isArray(node)) throw new Error(`Reference ${pointer} does not resolve`);
    node = (node as Record<string, Json>)[key] ?? null;
    if (node === null) throw new Error(`Reference ${pointer} does not resolve`);
  }
  return node;
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The document as JSON Schema for one direction: `required` forgets properties that are readOnly
 * (in requests) or writeOnly (in replies), as OpenAPI says; 3.0's `nullable` becomes a null type
 * and its boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers.
 */
function prepare(doc: Json, direction: Direction, openapi30: boolean): Json {
  const skip = direction === 'request' ? 'readOnly' : 'writeOnly';
  const flagged = (schema: Json, seen = 0): boolean => {
    if (!isObj(schema) || seen > 8) return false;
    if (schema[skip] === true) return true;
    if (typeof schema.$ref === 'string') return flagged(pointerGet(doc, schema.$ref), seen + 1);
    return Array.isArray(schema.allOf) && schema.allOf.some((s) => flagged(s, seen + 1));
  };
  const resolve = (schema: Json): Json => {
    for (let hops = 0; isObj(schema) && typeof schema.$ref === 'string' && hops < 10; hops++) schema = pointerGet(doc, schema.$ref);
    return schema;
  };
  // `loose`: this schema is an allOf part of an object that extends it, so the object's own
  // properties are not "additional" to it.
  const walk = (node: Json, loose = false, depth = 0): Json => {
    if (Array.isArray(node)) return node.map((n) => walk(n, false, depth + 1));
    if (!isObj(node)) return node;
    const extendsParts =
      Array.isArray(node.allOf) && (node.allOf.length > 1 || isObj(node.properties) || node.additionalProperties === false);
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'example' || k === 'examples') out[k] = v;
      // Inline the parts (a copy, so the component itself keeps its own strictness elsewhere).
      else if (k === 'allOf' && extendsParts && Array.isArray(v) && depth < 40) out[k] = v.map((part) => walk(resolve(part), true, depth + 1));
      else out[k] = walk(v, false, depth + 1);
    }
    // OpenAPI 3.0 reads `allOf` + `additionalProperties: false` as inheritance, JSON Schema would
    // reject every property of the parts: the whole object is closed over what all parts evaluate.
    if (extendsParts) {
      const closed = out.additionalProperties === false || (out.allOf as Json[]).some((p) => isObj(p) && p.closed === true);
      for (const part of out.allOf as Json[]) if (isObj(part)) delete part.closed;
      if (closed) {
        delete out.additionalProperties;
        out.unevaluatedProperties = false;
      }
    }
    if (loose && (out.additionalProperties === false || out.unevaluatedProperties === false)) {
      delete out.additionalProperties;
      delete out.unevaluatedProperties;
      out.closed = true;
    }
    if (Array.isArray(out.required) && isObj(out.properties)) {
      const props = out.properties;
      out.required = out.required.filter((name) => !(typeof name === 'string' && flagged(props[name] ?? null)));
    }
    // 3.0 writes exclusive bounds the draft-04 way: a boolean beside minimum/maximum.
    for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof out[exclusive] !== 'boolean') continue;
      if (out[exclusive] === true && typeof out[bound] === 'number') {
        out[exclusive] = out[bound];
        delete out[bound];
      } else delete out[exclusive];
    }
    if (openapi30 && out.nullable === true) {
      delete out.nullable;
      if (typeof out.type === 'string') {
        out.type = [out.type, 'null'];
        if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
        return out;
      }
      return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  };
  return walk(doc);
}

function jsonPath(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') parts.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'unevaluatedProperties') parts.push(String((error.params as { unevaluatedProperty: string }).unevaluatedProperty));
  if (error.keyword === 'additionalProperties') parts.push(String((error.params as { additionalProperty: string }).additionalProperty));
  return '$' + parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return `${jsonPath(error)} is required`;
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') return `${jsonPath(error)} is not allowed`;
  if (error.keyword === 'enum') {
    return `${jsonPath(error)} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${jsonPath(error)} ${error.message ?? 'is invalid'}`;
}

export class OpenApiChecker {
  readonly title: string;
  readonly version: string;
  /** How long reading and parsing the document took (ms). */
  readonly loadMs: number;
  private readonly doc: Obj;
  private readonly openapi30: boolean;
  private readonly ajv = new Map<Direction, Ajv>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { method: string; template: string; pattern: RegExp; names: string[] }[] = [];
  /** Total time spent compiling validators so far (ms). */
  compileMs = 0;

  constructor(text: string) {
    const started = performance.now();
    const doc = parse(text) as Json;
    if (!isObj(doc) || typeof doc.openapi !== 'string' || !isObj(doc.paths)) throw new Error('Not an OpenAPI document');
    this.doc = doc;
    this.openapi30 = doc.openapi.startsWith('3.0');
    const info = isObj(doc.info) ? doc.info : {};
    this.title = String(info.title ?? '');
    this.version = doc.openapi;
    for (const [template, item] of Object.entries(doc.paths)) {
      if (!isObj(item)) continue;
      const names: string[] = [];
      const source = template.replace(/\/$/, '').replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      for (const method of METHODS) {
        if (isObj(item[method])) this.templates.push({ method, template, pattern: new RegExp(`^${source}/?$`), names });
      }
    }
    // Literal paths before templated ones: /v1/labels/external_shipment_id/{id} beats /v1/labels/{label_id}.
    this.templates.sort((a, b) => a.names.length - b.names.length);
    this.loadMs = performance.now() - started;
  }

  static fromFile(path: string): OpenApiChecker {
    return new OpenApiChecker(readFileSync(path, 'utf8'));
  }

  /** The operation a request's method and URL path are for, with its path parameters. */
  match(method: string, urlPath: string): OperationMatch | null {
    const m = method.toLowerCase();
    for (const t of this.templates) {
      if (t.method !== m) continue;
      const found = t.pattern.exec(urlPath);
      if (found) return { template: t.template, params: Object.fromEntries(t.names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)])) };
    }
    return null;
  }

  /** Validates a request body against `METHOD /path/template`'s JSON request body. */
  checkRequest(operation: string, body: unknown): CheckResult {
    const [pointer, op] = this.operation(operation);
    const requestBody = isObj(op.requestBody) ? this.follow(`${pointer}/requestBody`) : null;
    if (!requestBody) return body === undefined || body === null ? { ok: true } : { ok: false, errors: [`${operation} takes no body`] };
    if (body === undefined) {
      return requestBody.node.required === true ? { ok: false, errors: [`${operation}: the request body is required`] } : { ok: true };
    }
    return this.run('request', `${requestBody.pointer}/content/${escapeKey('application/json')}/schema`, body);
  }

  /**
   * Validates a reply body against the schema the operation declares for `status` (or its
   * `default`, or its `4XX`/`5XX` range). A status the operation does not declare is an error.
   */
  checkResponse(operation: string, status: number, body: unknown): CheckResult {
    const [pointer, op] = this.operation(operation);
    const responses = isObj(op.responses) ? op.responses : {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) return { ok: false, errors: [`${operation} does not declare a ${status} reply`] };
    const response = this.follow(`${pointer}/responses/${key}`);
    const content = isObj(response.node.content) ? response.node.content : null;
    if (!content) return body === undefined ? { ok: true } : { ok: false, errors: [`${operation} ${status} has no body`] };
    const type = Object.keys(content).find((t) => t.includes('json')) ?? Object.keys(content)[0]!;
    if (!isObj(content[type]) || !('schema' in content[type])) return { ok: true };
    return this.run('response', `${response.pointer}/content/${escapeKey(type)}/schema`, body);
  }

  /** Validates a value against a named component schema, e.g. the provider's error body. */
  checkSchema(name: string, value: unknown, direction: Direction = 'response'): CheckResult {
    return this.run(direction, `#/components/schemas/${escapeKey(name)}`, value);
  }

  /** Compiles every operation's request and 2xx reply validators at once (for measuring). */
  compileAll(operations: string[]): void {
    for (const operation of operations) {
      const [pointer, op] = this.operation(operation);
      if (isObj(op.requestBody)) this.checkRequest(operation, {});
      for (const status of Object.keys(isObj(op.responses) ? op.responses : {})) {
        if (/^\d+$/.test(status)) this.checkResponse(operation, Number(status), {});
      }
      void pointer;
    }
  }

  private operation(operation: string): [string, Obj] {
    const [method, template] = operation.split(' ');
    const m = method?.toLowerCase() ?? '';
    const item = template && isObj(this.doc.paths) ? this.doc.paths[template] : undefined;
    const op = isObj(item) ? item[m] : undefined;
    if (!template || !isObj(op)) throw new Error(`${this.title}: no operation ${operation}`);
    return [`#/paths/${escapeKey(template)}/${m}`, op];
  }

  /** Follows a chain of `$ref`s from a pointer; returns the final node and its own pointer. */
  private follow(pointer: string): { node: Obj; pointer: string } {
    let node = pointerGet(this.doc, pointer);
    for (let hops = 0; isObj(node) && typeof node.$ref === 'string' && hops < 10; hops++) {
      pointer = node.$ref;
      node = pointerGet(this.doc, pointer);
    }
    if (!isObj(node)) throw new Error(`${pointer} is not an object`);
    return { node, pointer };
  }

  private validators(direction: Direction): Ajv {
    let ajv = this.ajv.get(direction);
    if (!ajv) {
      const options = { strict: false, allErrors: true, logger: false as const, validateSchema: false };
      // 2020-12 for both: 3.0 schemas are a subset once prepared, and `unevaluatedProperties`
      // closes objects built with allOf.
      ajv = new Ajv2020(options) as unknown as Ajv;
      addFormats(ajv);
      for (const f of LOOSE_FORMATS) ajv.addFormat(f, true);
      ajv.addSchema(prepare(this.doc, direction, this.openapi30) as object, 'doc');
      this.ajv.set(direction, ajv);
    }
    return ajv;
  }

  private run(direction: Direction, pointer: string, value: unknown): CheckResult {
    const key = `${direction} ${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const started = performance.now();
      validate = this.validators(direction).compile({ $ref: `doc${pointer}` });
      this.compileMs += performance.now() - started;
      this.compiled.set(key, validate);
    }
    if (validate(value)) return { ok: true };
    const errors = [...new Set((validate.errors ?? []).map(describe))];
    return { ok: false, errors: errors.slice(0, 8) };
  }
}
