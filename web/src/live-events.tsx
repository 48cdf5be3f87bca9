import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** What a page says about its live updates. */
export const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live: this page updates as things change.',
  reconnecting: 'Live updates interrupted: reconnecting…',
  stopped: 'Live updates stopped: reload the page to resume them.',
};

interface StreamedEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Follows the server's event stream, authenticated by the session cookie (no token in the URL).
 * The browser reconnects by itself after a drop and resumes with Last-Event-ID, so nothing is missed.
 */
export function useLiveEvents(types: readonly string[], onEvent: (event: StreamedEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const filter = types.join(',');
  useEffect(() => {
    const source = new EventSource(`/api/events?types=${encodeURIComponent(filter)}`, { withCredentials: true });
    const receive = (message: MessageEvent<string>) => handler.current(JSON.parse(message.data) as StreamedEvent);
    for (const type of filter.split(',')) source.addEventListener(type, receive);
    source.onopen = () => setState('live');
    // The browser retries a dropped stream by itself, but not one the server refused (the session ended).
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'stopped' : 'reconnecting');
    return () => source.close();
  }, [filter]);
  return state;
}

/** A page's live-update state and, when its last read failed, the failure in the server's words. */
export function LiveNote({ live, error }: { live: LiveState; error: string | null }) {
  return (
    <>
      <p class="live" role="status">
        {LIVE_TEXT[live]}
      </p>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </>
  );
}
