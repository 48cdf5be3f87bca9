import { MessageChannel } from 'node:worker_threads';
import type { KeyValueStore } from '@baton/plugin-api';
import { testHttpSettings } from '../../../test/support/loopback-servers';
import type { WorkerMessage } from './protocol';
import { WorkerBridge } from './worker-bridge';

type StoreMessage = Extract<WorkerMessage, { type: 'store' }>;

describe('WorkerBridge store of a call that carries a snapshot', () => {
  let channel: MessageChannel;
  let bridge: WorkerBridge;
  let asked: StoreMessage[];

  beforeEach(() => {
    channel = new MessageChannel();
    bridge = new WorkerBridge(channel.port1, testHttpSettings(), {}, new Set());
    asked = [];
    // The host's side: records each store message and answers a get with a value of its own.
    channel.port2.on('message', (message: WorkerMessage) => {
      if (message.type !== 'store') return;
      asked.push(message);
      bridge.storeReplied({ v: 1, type: 'store-reply', id: message.id, ok: true, value: message.op === 'get' ? `host:${message.key}` : null });
    });
  });

  afterEach(() => {
    channel.port1.close();
    channel.port2.close();
  });

  function store(): KeyValueStore {
    return bridge.context(7, 'repo', new AbortController().signal, null, { values: { etag: '"v1"' }, deferred: ['kept'] }).store;
  }

  it('answers carried keys itself, asks the host for deferred ones, and knows other keys are absent', async () => {
    const s = store();

    expect(await s.get('etag')).toBe('"v1"');
    expect(await s.get('missing')).toBeNull();
    expect(asked).toEqual([]);
    expect(await s.get('kept')).toBe('host:kept');
    expect(asked.map((m) => [m.op, m.key, m.request_id, m.scope])).toEqual([['get', 'kept', 7, 'repo']]);
  });

  it('after a write or a delete of a deferred key, answers it from its own copy', async () => {
    const s = store();

    await s.set('kept', 'new');
    expect(await s.get('kept')).toBe('new');
    await s.delete('kept');
    expect(await s.get('kept')).toBeNull();
    expect(asked.map((m) => `${m.op} ${m.key}`)).toEqual(['set kept', 'delete kept']);
  });
});
