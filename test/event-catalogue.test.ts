import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Knex } from 'knex';
import { EVENT_CATALOGUE, EVENT_TYPES, payloadSchemaName } from '../server/src/events/event-catalogue';
import type { EventStore } from '../server/src/events/event-store';
import { eventTypePatternProblem } from '../server/src/events/webhooks/event-type-filter';
import { buildOpenApiDocument } from '../server/src/http/openapi';
import { catalogueProblems } from './support/catalogue-check';
import { samplePayload } from './support/sample-events';

type Webhooks = Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;

const document = buildOpenApiDocument([], 'test') as unknown as { webhooks: Webhooks; components: { schemas: Record<string, unknown> } };

/** The rows of the README's table of event types: type → description. */
function readmeEventTable(): Map<string, string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('| Event type | When |'));
  const rows = section
    .slice(0, section.search(/\n\n|$/))
    .split('\n')
    .slice(2);
  return new Map(rows.map((row) => row.split('|').map((cell) => cell.trim())).map(([, type, when]) => [type.replace(/`/g, ''), when]));
}

/**
 * Never run: compiled by `tsc -p tsconfig.tests.json`. Each call must be refused by the compiler;
 * were `EventStore.append` to accept it, the directive above it would be unused and fail the build.
 */
export function appendsThatDoNotCompile(log: EventStore, trx: Knex.Transaction): void {
  // @ts-expect-error: not a catalogue type
  void log.append(trx, 'repository.deleted', {});
  // @ts-expect-error: a payload field renamed
  void log.append(trx, 'stage.awaiting_approval', { pipeline: 'p', counter: 1, label: '1', run_id: 'r', stage: 's', stage_count: 1 });
  // @ts-expect-error: another type's payload
  void log.append(trx, 'package.poll.recovered', samplePayload('stage.awaiting_approval'));
}

describe('event catalogue', () => {
  it('is listed whole in the OpenAPI document: a payload schema and a webhook per type', () => {
    const payloads = Object.keys(document.components.schemas).filter((name) => name.startsWith('Event.'));

    expect(payloads.sort()).toEqual(EVENT_TYPES.map(payloadSchemaName).sort());
    expect(Object.keys(document.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('documents each webhook delivery as the envelope the sender posts, its data the type payload', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...document, $id: 'urn:baton:openapi' });

    const problems = EVENT_TYPES.flatMap((type) => {
      const validate = ajv.compile({ $ref: `urn:baton:openapi#/webhooks/${type}/post/requestBody/content/application~1json/schema` });
      const delivered = { id: 7, type, occurred_at: '2024-05-01T10:00:00.000Z', data: samplePayload(type) };
      const misnamed = { ...delivered, type: type === 'package.poll.failed' ? 'package.poll.recovered' : 'package.poll.failed' };
      return [validate(delivered) ? [] : [`${type}: ${ajv.errorsText(validate.errors)}`], validate(misnamed) ? [`${type}: accepts another type`] : []].flat();
    });

    expect(problems).toEqual([]);
  });

  it('refuses payloads whose fields are renamed, missing or extra', () => {
    const sample = samplePayload('stage.run.completed');
    const { stage_counter, ...rest } = sample;
    const renamed = { ...rest, stage_count: stage_counter };
    const event = (data: object) => ({ id: 1, type: 'stage.run.completed', occurred_at: '2024-05-01T10:00:00.000Z', data: data as Record<string, unknown> });

    expect(catalogueProblems([event(sample)])).toEqual([]);
    expect(catalogueProblems([event(renamed)])).toEqual([
      "event 1 (stage.run.completed): data must have required property 'stage_counter', data must NOT have additional properties",
    ]);
    expect(catalogueProblems([{ ...event(sample), type: 'stage.run.finished' }])).toEqual(["event 1: 'stage.run.finished' is not in the catalogue"]);
  });

  it('accepts as filters the catalogue types and prefixes of them, and nothing that matches none', () => {
    expect([...EVENT_TYPES, 'package.*', 'package.poll.*', 'stage.*'].map(eventTypePatternProblem)).toEqual(Array(EVENT_TYPES.length + 3).fill(null));
    expect(eventTypePatternProblem('repository.deleted')).toMatch(/^'repository.deleted' matches no event type: use one of package.revision.detected, /);
    expect(eventTypePatternProblem('packages.*')).not.toBeNull();
  });

  it('is listed in the README, one row per type with its description', () => {
    expect(readmeEventTable()).toEqual(new Map(EVENT_TYPES.map((type) => [type, EVENT_CATALOGUE[type].description])));
  });
});
