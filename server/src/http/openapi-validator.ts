import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldErrors } from '../domain-errors';
import { schemaFieldErrors } from '../schema-field-errors';
import { openApiPath, type OpenApiDocument } from './openapi';
import { UUID_PATTERN } from './schemas';

const DOCUMENT_ID = 'urn:baton:openapi';

/**
 * Validates request and response bodies against the OpenAPI document itself, so the document is
 * what the server enforces on the way in and what the tests check on the way out.
 */
export class OpenApiValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults: true, verbose: true });
    addFormats(this.ajv);
    // ajv-formats takes a `urn:uuid:` prefix as a UUID too; the database's uuid type does not.
    this.ajv.addFormat('uuid', UUID_PATTERN);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }

  /** Field errors of a request body, empty when it is valid. Fills in schema defaults. */
  requestBodyErrors(method: string, expressPath: string, body: unknown): FieldErrors {
    const pointer = ['paths', openApiPath(expressPath), method, 'requestBody', 'content', 'application/json', 'schema'];
    const validate = this.compile(pointer);
    return validate(body) ? {} : schemaFieldErrors(validate.errors ?? []);
  }

  /** Problems with a response body (by OpenAPI path and status), or null when none; throws if the status is undocumented. */
  responseProblems(method: string, openApiPathName: string, status: number, contentType: string, body: unknown): string | null {
    const operation = this.document.paths[openApiPathName]?.[method] as { responses: Record<string, { content?: Record<string, unknown> }> } | undefined;
    if (!operation) return `no operation ${method.toUpperCase()} ${openApiPathName} in the document`;
    const key = operation.responses[String(status)] ? String(status) : 'default';
    const response = operation.responses[key];
    if (!response) return `status ${status} is not documented for ${method.toUpperCase()} ${openApiPathName}`;
    if (!response.content) return body === undefined || body === '' ? null : `status ${status} is documented without a body`;
    const mediaType = contentType.split(';')[0].trim();
    if (!response.content[mediaType]) return `content type ${mediaType} is not documented for status ${status}`;
    const validate = this.compile(['paths', openApiPathName, method, 'responses', key, 'content', mediaType, 'schema']);
    return validate(body) ? null : this.ajv.errorsText(validate.errors);
  }

  private compile(pointer: string[]): ValidateFunction {
    const ref = `${DOCUMENT_ID}#/${pointer.map(escapePointer).join('/')}`;
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, validate);
    }
    return validate;
  }
}

function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1')).replace(/%24/g, '$');
}
