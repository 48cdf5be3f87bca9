import { LIVE_TEXT, type LiveState } from './live-events';

/** What a live page says under its heading: whether it follows the event stream, and what failed. */
export function PageStatus({ live, error }: { live: LiveState; error: string | null }) {
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
