import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_CATALOGUE, EVENT_TYPES, isEventType } from '../../server/src/events/event-catalogue';
import type { BatonEvent, EventStore } from '../../server/src/events/event-store';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const VALIDATORS = new Map(EVENT_TYPES.map((type) => [type, ajv.compile(EVENT_CATALOGUE[type].payload)]));

/** What is wrong with each event that does not fit its catalogue entry; empty when all do. */
export function catalogueProblems(events: readonly BatonEvent[]): string[] {
  return events.flatMap((event) => {
    if (!isEventType(event.type)) return [`event ${event.id}: '${event.type}' is not in the catalogue`];
    const validate = VALIDATORS.get(event.type)!;
    return validate(event.data) ? [] : [`event ${event.id} (${event.type}): ${ajv.errorsText(validate.errors, { dataVar: 'data' })}`];
  });
}

/** Every event in the log, oldest first. */
export async function allEvents(log: EventStore): Promise<BatonEvent[]> {
  const events: BatonEvent[] = [];
  for (let page = await log.after(0, 500); page.length > 0; page = await log.after(page.at(-1)!.id, 500)) events.push(...page);
  return events;
}
