/** What a redacted password is replaced with. */
const HIDDEN = '***';

/** `scheme://user:password@` in a string too broken for `new URL`. */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@]*)@/i;

/** The passwords in a connection URL (user info and `?password=`), raw and decoded. */
function passwordsOf(url: string): string[] {
  const found: string[] = [];
  try {
    const parsed = new URL(url);
    if (parsed.password) found.push(parsed.password, decodeURIComponent(parsed.password));
    const query = parsed.searchParams.get('password');
    if (query) found.push(query, encodeURIComponent(query));
  } catch {
    const match = USER_INFO.exec(url);
    if (match?.[2]) found.push(match[2]);
  }
  return [...new Set(found)].filter((password) => password.length > 0);
}

/** A connection URL safe to print: `postgres://user:***@host:5432/db`. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = HIDDEN;
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', HIDDEN);
    return parsed.toString();
  } catch {
    return url.replace(USER_INFO, `$1${HIDDEN}@`);
  }
}

/** `text` with every occurrence of the URL's password replaced, for error messages that quote it. */
export function redactPassword(text: string, url: string): string {
  let result = text;
  for (const password of passwordsOf(url)) result = result.split(password).join(HIDDEN);
  return result;
}
