// The shell: sign-in, the header with the screens, and the screen the URL names.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { api, ApiError, type Credential, savedCredential, saveCredential, setUnauthorizedHandler } from './api';
import { href, type Route, useRoute } from './route';
import { Catalog } from './screens/catalog';
import { Client, Clients } from './screens/clients';
import { Keys } from './screens/keys';
import { Profile } from './screens/profile';
import { SignIn } from './screens/signin';
import { Tokens } from './screens/tokens';

/** The whole console. */
export function App() {
  const [credential, setCredential] = useState<Credential | null>(savedCredential);
  const [ended, setEnded] = useState<ApiError | null>(null);
  const route = useRoute();
  const session = useMemo(() => (credential ? api(credential) : null), [credential]);

  useEffect(() => {
    setUnauthorizedHandler((err) => {
      saveCredential(null);
      setCredential(null);
      setEnded(err);
    });
  }, []);

  const signIn = (c: Credential) => {
    saveCredential(c);
    setEnded(null);
    setCredential(c);
  };
  const signOut = () => {
    saveCredential(null);
    setEnded(null);
    setCredential(null);
  };

  if (!credential || !session) {
    return <SignIn onSignedIn={signIn} ended={ended} />;
  }
  return (
    <>
      <a class="skip" href="#main">Skip to the content</a>
      <header class="top">
        <a class="brand" href={href({ screen: 'clients' })}>mcp-orchestration</a>
        <nav aria-label="Screens">
          <NavLink route={route} to={{ screen: 'clients' }} label="Clients" />
          <NavLink route={route} to={{ screen: 'catalog' }} label="Catalog" />
          <NavLink route={route} to={{ screen: 'tokens' }} label="Tokens" />
          <NavLink route={route} to={{ screen: 'keys' }} label="Keys" />
          <a href="/docs">API docs</a>
        </nav>
        <button type="button" class="btn quiet signout" onClick={signOut}>Sign out</button>
      </header>
      <Main route={route}>
        {route.screen === 'clients' && <Clients api={session} />}
        {route.screen === 'client' && <Client key={href(route)} api={session} client={route.client} />}
        {route.screen === 'profile' && <Profile key={href(route)} api={session} client={route.client} profile={route.profile} />}
        {route.screen === 'catalog' && <Catalog key={href(route)} api={session} server={route.server} />}
        {route.screen === 'tokens' && <Tokens api={session} />}
        {route.screen === 'keys' && <Keys api={session} />}
      </Main>
    </>
  );
}

function NavLink({ route, to, label }: { route: Route; to: Route; label: string }) {
  const current = route.screen === to.screen
    || (to.screen === 'clients' && (route.screen === 'client' || route.screen === 'profile'));
  return <a href={href(to)} aria-current={current ? 'page' : undefined}>{label}</a>;
}

/** The content; focus moves to its heading when the screen changes, for keyboard and screen-reader users. */
function Main({ route, children }: { route: Route; children: preact.ComponentChildren }) {
  const ref = useRef<HTMLElement>(null);
  const key = href(route);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    ref.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [key]);
  return <main id="main" ref={ref} tabIndex={-1}>{children}</main>;
}
