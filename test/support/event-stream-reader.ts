/** An open Server-Sent Events stream, read as it comes. */
export interface OpenStream {
  /** Resolves with everything the stream sent once the server has ended it. */
  ended: Promise<string>;
  /** Resolves once the stream's text contains `text`. */
  received(text: string): Promise<void>;
  /** Closes the stream from the client's side. */
  close(): void;
}

/** Opens `GET <url>` with these headers (the credentials among them); refuses anything but a 200. */
export async function openEventStream(url: string, headers: Record<string, string>): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status !== 200) throw new Error(`the stream answered ${response.status}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
      for (const wait of waiting.filter((w) => text.includes(w.text))) wait.resolve();
    }
  })();
  // A stream the client closes itself ends in an abort, which nobody waits for.
  ended.catch(() => undefined);
  return {
    ended,
    close: () => controller.abort(),
    received: (wanted) => (text.includes(wanted) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text: wanted, resolve }))),
  };
}
