// When the server ends a session (the account was blocked), the back office's API answers 401: the screens then
// go to the login page, which says why, instead of showing "There was an error fetching records". Loaded with the
// components bundle on every back-office page (imported by login.tsx, which AdminJS always bundles).
const ROOT = '/admin';

function loginPath(): string {
  const state = (window as unknown as { REDUX_STATE?: { paths?: { loginPath?: string } } }).REDUX_STATE;
  return state?.paths?.loginPath ?? `${ROOT}/login`;
}

/** A 401 of the back office's own API (not of the login page, not of another site). */
function endedSession(status: number, url: string): boolean {
  if (status !== 401) return false;
  try {
    const address = new URL(url, window.location.href);
    return address.origin === window.location.origin && address.pathname.startsWith(`${ROOT}/api/`);
  } catch {
    return false;
  }
}

function toLogin(): void {
  if (window.location.pathname !== loginPath()) window.location.assign(loginPath());
}

const marker = '__mailingSessionWatch';
if (typeof window !== 'undefined' && !(window as unknown as Record<string, unknown>)[marker]) {
  (window as unknown as Record<string, unknown>)[marker] = true;
  // AdminJS's own calls go through axios, that is XMLHttpRequest
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function watchedSend(this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['send']>) {
    this.addEventListener('load', () => {
      if (endedSession(this.status, this.responseURL)) toLogin();
    });
    return send.apply(this, args);
  };
  // our components' calls (pickers, live progress) use fetch
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (...args: Parameters<typeof fetch>) => {
    const response = await originalFetch(...args);
    if (endedSession(response.status, response.url)) toLogin();
    return response;
  };
}

export {};
