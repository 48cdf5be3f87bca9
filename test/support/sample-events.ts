import type { EventPayload, EventType } from '../../server/src/events/event-catalogue';

const PACKAGE = {
  package_id: '5d0b3f0e-8d7c-4a52-9a55-0c1f3c0e7a11',
  package_name: 'scrt',
  repository_id: '0b8c4f7e-2a61-4f0d-b3c4-6f9e1d2a5b77',
  repository_name: 'el9',
  plugin_id: 'yum',
};
const RUN = { pipeline: 'build-app', counter: 12, label: '12', run_id: '9f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f' };

const SAMPLES: { [T in EventType]: EventPayload<T> } = {
  'package.revision.detected': {
    ...PACKAGE,
    revision: {
      id: 1,
      revision: 'scrt-0.3.4-1.x86_64',
      timestamp: '2024-05-01T10:00:00.000Z',
      user: null,
      comment: null,
      trackback_url: null,
      data: { LOCATION: 'https://repo.example.org/el9/scrt-0.3.4-1.x86_64.rpm' },
      detected_at: '2024-05-01T10:00:30.000Z',
    },
  },
  'package.poll.failed': { ...PACKAGE, error: 'HTTP 503 from the repository', error_kind: 'transient', error_code: 'http_503', consecutive_failures: 1 },
  'package.poll.recovered': PACKAGE,
  'pipeline.run.created': {
    ...RUN,
    trigger: { kind: 'manual', by: 'admin', message: 'triggered by admin' },
    materials: [{ name: 'scrt', revision: 'scrt-0.3.4-1.x86_64' }],
  },
  'pipeline.paused': { pipeline: 'build-app', by: 'operator', reason: 'the repository is being migrated' },
  'pipeline.unpaused': { pipeline: 'build-app', by: 'operator', withheld: 2 },
  'stage.run.completed': { ...RUN, stage: 'package', stage_counter: 1, state: 'passed', approved_by: null, cancelled_by: null },
  'stage.awaiting_approval': { ...RUN, stage: 'deploy', stage_counter: 1 },
};

/** A payload of the catalogue's shape for an event of `type`, with `overrides` applied: for tests that need an event, not a scenario. */
export function samplePayload<T extends EventType>(type: T, overrides: Partial<EventPayload<T>> = {}): EventPayload<T> {
  return { ...SAMPLES[type], ...overrides };
}
