import { Agent, buildConnector, type Dispatcher } from 'undici';
import { defaultOutboundPolicy, type OutboundPolicy } from './outbound-policy';

const dispatchers = new WeakMap<OutboundPolicy, Dispatcher>();

/**
 * The dispatcher that makes `fetch` keep to `policy` (the default deny list when none is given):
 * pass it as `fetch(url, { dispatcher })`. One per policy, so that its keep-alive connections
 * are shared by every request.
 *
 * @example
 * ```ts
 * await fetch(url, { dispatcher: outboundDispatcher(policy), redirect: 'manual' });
 * ```
 */
export function outboundDispatcher(policy: OutboundPolicy = defaultOutboundPolicy()): Dispatcher {
  let dispatcher = dispatchers.get(policy);
  if (dispatcher === undefined) {
    dispatcher = createDispatcher(policy);
    dispatchers.set(policy, dispatcher);
  }
  return dispatcher;
}

function createDispatcher(policy: OutboundPolicy): Dispatcher {
  const connect = buildConnector({ lookup: policy.lookup });
  return new Agent({
    // A literal address in the URL is never looked up, so it is judged here.
    connect: (options, callback) => {
      try {
        policy.checkHost(options.hostname);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
      connect(options, callback);
    },
  });
}
