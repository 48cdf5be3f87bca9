import { createLogger } from './logger';
import { Lifecycle, type LifecyclePart } from './lifecycle';

/** Parts that write what happens to them into one journal; a stop can be held open until released. */
function journal() {
  const entries: string[] = [];
  const held = new Map<string, () => void>();
  const part = (name: string, options: { failStart?: boolean; failStop?: boolean; holdStop?: boolean } = {}): LifecyclePart => ({
    name,
    start: async () => {
      entries.push(`start ${name}`);
      if (options.failStart) throw new Error(`${name} cannot start`);
    },
    stop: async () => {
      entries.push(`stop ${name}`);
      if (options.holdStop) await new Promise<void>((resolve) => held.set(name, resolve));
      if (options.failStop) throw new Error(`${name} cannot stop`);
      entries.push(`stopped ${name}`);
    },
  });
  const release = (name: string) => held.get(name)?.();
  const whenHeld = async (name: string) => {
    while (!held.has(name)) await new Promise((resolve) => setImmediate(resolve));
  };
  return { entries, part, release, whenHeld };
}

const silent = createLogger('silent');

describe('Lifecycle', () => {
  it('starts the parts in the order added and stops them in the reverse order', async () => {
    const { entries, part } = journal();
    const lifecycle = new Lifecycle(silent).add(part('a')).add(part('b')).add(part('c'));

    await lifecycle.start();
    await lifecycle.stop();

    expect(entries).toEqual(['start a', 'start b', 'start c', 'stop c', 'stopped c', 'stop b', 'stopped b', 'stop a', 'stopped a']);
  });

  it('stops the parts added together concurrently, and the earlier parts only after all of them', async () => {
    const { entries, part, release, whenHeld } = journal();
    const lifecycle = new Lifecycle(silent).add(part('database')).add(part('http', { holdStop: true }), part('polls'), part('jobs'));
    await lifecycle.start();

    const stopped = lifecycle.stop();
    await whenHeld('http');
    const whileHttpDrains = [...entries];
    release('http');
    await stopped;

    expect(entries.slice(0, 4)).toEqual(['start database', 'start http', 'start polls', 'start jobs']);
    expect(whileHttpDrains).toEqual(expect.arrayContaining(['stop polls', 'stopped polls', 'stop jobs', 'stopped jobs']));
    expect(whileHttpDrains).not.toContain('stop database');
    expect(entries.slice(-2)).toEqual(['stop database', 'stopped database']);
  });

  it('stops the parts already started, in reverse, when one fails to start, and throws its failure', async () => {
    const { entries, part } = journal();
    const lifecycle = new Lifecycle(silent)
      .add(part('a'))
      .add(part('b'), part('c', { failStart: true }), part('d'))
      .add(part('e'));

    await expect(lifecycle.start()).rejects.toThrow('c cannot start');

    expect(entries).toEqual(['start a', 'start b', 'start c', 'stop b', 'stopped b', 'stop a', 'stopped a']);
  });

  it('starts only the parts added since the last start, and rolls back the earlier ones too', async () => {
    const { entries, part } = journal();
    const lifecycle = new Lifecycle(silent).add(part('database'));
    await lifecycle.start();
    lifecycle.add(part('plugins')).add(part('http', { failStart: true }));

    await expect(lifecycle.start()).rejects.toThrow('http cannot start');

    expect(entries).toEqual(['start database', 'start plugins', 'start http', 'stop plugins', 'stopped plugins', 'stop database', 'stopped database']);
  });

  it('stops every part even when one fails to stop, then throws that failure', async () => {
    const { entries, part } = journal();
    const lifecycle = new Lifecycle(silent)
      .add(part('a'))
      .add(part('b', { failStop: true }))
      .add(part('c'));
    await lifecycle.start();

    await expect(lifecycle.stop()).rejects.toThrow('b cannot stop');

    expect(entries.filter((entry) => entry.startsWith('stop'))).toEqual(['stop c', 'stopped c', 'stop b', 'stop a', 'stopped a']);
  });

  it('stops once however often it is asked, and parts without a start or a stop are fine', async () => {
    const { entries, part } = journal();
    const lifecycle = new Lifecycle(silent)
      .add(part('a'))
      .add({ name: 'only stops', stop: () => entries.push('stop only') })
      .add({ name: 'only starts', start: () => entries.push('start only') });
    await lifecycle.start();

    await Promise.all([lifecycle.stop(), lifecycle.stop()]);

    expect(entries).toEqual(['start a', 'start only', 'stop only', 'stop a', 'stopped a']);
  });

  it('logs each part starting and stopping at debug level', async () => {
    const lines: string[] = [];
    const lifecycle = new Lifecycle(createLogger('debug', { write: (line: string) => void lines.push(line) })).add({
      name: 'plugins',
      start: () => undefined,
      stop: () => undefined,
    });

    await lifecycle.start();
    await lifecycle.stop();

    const logged = lines.map((line) => JSON.parse(line) as { level: number; part: string; msg: string });
    expect(logged.map(({ part, msg }) => `${msg} ${part}`)).toEqual(['starting plugins', 'started plugins', 'stopping plugins', 'stopped plugins']);
    expect(new Set(logged.map(({ level }) => level))).toEqual(new Set([20]));
  });
});
