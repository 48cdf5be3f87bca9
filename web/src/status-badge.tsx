/** A state as a word and a shape as well as a colour (`look` names the colour's class): never by colour alone. */
export interface Status {
  symbol: string;
  text: string;
  look: string;
}

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span class={`badge ${status.look}`}>
      <span class="symbol" aria-hidden="true">
        {status.symbol}
      </span>{' '}
      {status.text}
    </span>
  );
}
