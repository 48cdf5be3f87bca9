/** Every item of a paged listing, following `next_cursor` until the last page. */
export async function allPages<P extends { next_cursor: string | null }, T>(
  page: (cursor: string | undefined) => Promise<P>,
  items: (p: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    all.push(...items(answer));
    cursor = answer.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

/** The largest page the API serves: fewer round trips for long lists. */
export const PAGE_SIZE = '500';
