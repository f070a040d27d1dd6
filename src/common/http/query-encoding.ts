import { RequestValidationError } from '../errors/request-validation.error';

/**
 * The query parameter whose name or value is not percent-encoded UTF-8 (`%FF`, an encoded
 * surrogate half `%ED%A0%80`), or null. Fastify's query parser keeps such a value as the raw
 * text, so the route would search for `%FF` literally instead of refusing what it cannot read.
 */
export function undecodableQueryParameter(url: string): string | null {
  const start = url.indexOf('?');
  if (start === -1) return null;
  for (const pair of url.slice(start + 1).split('&')) {
    const [name, value = ''] = splitOnce(pair.replace(/\+/g, ' '));
    const decodedName = decode(name);
    if (decodedName === null) return name;
    if (decode(value) === null) return decodedName;
  }
  return null;
}

/** The 400 naming the parameter that `undecodableQueryParameter` found, or null. */
export function undecodableQueryError(url: string): RequestValidationError | null {
  const field = undecodableQueryParameter(url);
  return field === null
    ? null
    : new RequestValidationError([{ field, problem: 'must be percent-encoded UTF-8' }]);
}

function splitOnce(pair: string): [string, string?] {
  const at = pair.indexOf('=');
  return at === -1 ? [pair] : [pair.slice(0, at), pair.slice(at + 1)];
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
