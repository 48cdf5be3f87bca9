/** Base64 pieces shorter than this are too likely to occur by chance to be masked. */
const MIN_BASE64_PIECE = 8;

/**
 * The ways a secret is written on its way out: as is, percent-encoded (as `encodeURIComponent`,
 * `encodeURI`, form encoding with `+` for a space, and as a URL's path, query or userinfo
 * serialises it), escaped inside a JSON string, and in base64 — whole, and the part of it that
 * stands for the secret alone at each alignment, as in `Basic base64(user:secret)`.
 */
export function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const forms = [secret, JSON.stringify(secret).slice(1, -1), ...percentForms(secret), ...base64Forms(secret)];
  return [...new Set(forms.filter((form) => form !== ''))];
}

function percentForms(secret: string): string[] {
  const forms: string[] = [];
  const tryForm = (encode: () => string) => {
    try {
      forms.push(encode());
    } catch {
      // A lone surrogate has no percent-encoding: the secret cannot be sent that way either.
    }
  };
  tryForm(() => encodeURIComponent(secret));
  tryForm(() => encodeURIComponent(secret).replace(/%20/g, '+'));
  tryForm(() => encodeURI(secret));
  tryForm(() => new URLSearchParams([['', secret]]).toString().slice(1));
  tryForm(() =>
    urlPart(
      (url) => (url.search = `?${secret}`),
      (url) => url.search.slice(1),
    ),
  );
  tryForm(() =>
    urlPart(
      (url) => (url.pathname = `/${secret}`),
      (url) => url.pathname.slice(1),
    ),
  );
  tryForm(() =>
    urlPart(
      (url) => (url.password = secret),
      (url) => url.password,
    ),
  );
  return forms;
}

function urlPart(set: (url: URL) => void, get: (url: URL) => string): string {
  const url = new URL('http://host.invalid/');
  set(url);
  return get(url);
}

function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [bytes.toString('base64')];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Characters carrying only the secret's bits: none of the bytes before it, none after.
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const piece = encoded.slice(first, end);
    if (piece.length >= MIN_BASE64_PIECE) forms.push(piece);
  }
  return forms;
}
