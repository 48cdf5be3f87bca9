import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The browser's path, following pushState navigations and the back and forward buttons. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const follow = () => setPath(location.pathname);
    addEventListener('popstate', follow);
    return () => removeEventListener('popstate', follow);
  }, []);
  return path;
}

export function navigate(to: string): void {
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

interface LinkProps {
  href: string;
  current?: boolean;
  children: ComponentChildren;
}

/** A real link (it opens in a new tab as any other) that navigates inside the app on a plain click. */
export function Link({ href, current = false, children }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
