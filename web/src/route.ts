// Where the console is: the part of the URL after `#`, so every screen has a link and Back works.
import { useEffect, useState } from 'preact/hooks';

/** A screen and its arguments. */
export type Route =
  | { screen: 'clients' }
  | { screen: 'client'; client: string }
  | { screen: 'profile'; client: string; profile: string }
  | { screen: 'catalog'; server?: string }
  | { screen: 'tokens' }
  | { screen: 'keys' };

/** The route of a hash such as `#/clients/cursor`. */
export function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, a, b] = parts;
  if (head === 'clients' && a && b) return { screen: 'profile', client: a, profile: b };
  if (head === 'clients' && a) return { screen: 'client', client: a };
  if (head === 'catalog') return a ? { screen: 'catalog', server: a } : { screen: 'catalog' };
  if (head === 'tokens') return { screen: 'tokens' };
  if (head === 'keys') return { screen: 'keys' };
  return { screen: 'clients' };
}

/** The hash of a route. */
export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.screen) {
    case 'clients': return '#/clients';
    case 'client': return `#/clients/${e(route.client)}`;
    case 'profile': return `#/clients/${e(route.client)}/${e(route.profile)}`;
    case 'catalog': return route.server ? `#/catalog/${e(route.server)}` : '#/catalog';
    case 'tokens': return '#/tokens';
    case 'keys': return '#/keys';
  }
}

/** Goes to a route. */
export function go(route: Route): void {
  location.hash = href(route);
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const update = () => setRoute(parse(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
