import { Link } from '../router';

export function NotFound({ path }: { path: string }) {
  return (
    <>
      <h1>Nothing here</h1>
      <p>
        The web UI has no page at <code>{path}</code>. Go to the <Link href="/">dashboard</Link>.
      </p>
    </>
  );
}
