import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers helmet sets, worked out once at boot. Helmet's middleware writes the same static
 * headers on every response (no per-request input: no CSP nonces here), so running it once
 * against a recording response gives the exact set, and a single hook can add it to each reply
 * without rebuilding helmet, or parsing its CSP, per request.
 */
export function securityHeaders(
  options: Readonly<HelmetOptions>,
): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]): void {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string): void {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  let failure: unknown;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      failure = error;
      finished = true;
    },
  );
  if (failure !== undefined) throw new Error('helmet refused its options', { cause: failure });
  // Helmet 8 is synchronous; a version that was not would leave the set incomplete.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return Object.freeze(headers);
}

const DOCS_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * What this service sends. The API answers JSON only, so its policy allows nothing at all
 * (OWASP's REST guidance: `default-src 'none'; frame-ancestors 'none'`), which is also a third of
 * the bytes of a page policy on every response. Swagger UI under /docs needs its own scripts and
 * inline styles; its `upgrade-insecure-requests` is sent only where the page is served over
 * https (or in production, where it must be): over plain http on a LAN address, a VM or a
 * container, it would rewrite the page's assets to https and leave a blank page.
 */
export const API_SECURITY_HEADER_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginResourcePolicy: { policy: 'same-site' },
};

export function docsSecurityHeaderOptions(upgradeInsecureRequests: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        ...DOCS_DIRECTIVES,
        upgradeInsecureRequests: upgradeInsecureRequests ? [] : null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  };
}

/**
 * The account pages (auth/pages): server-rendered HTML with no script, one inline style sheet
 * allowed by its hash (`styleSource`), forms that post to this origin only.
 */
export function pageSecurityHeaderOptions(
  styleSource: string,
  upgradeInsecureRequests: boolean,
): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [styleSource],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        ...(upgradeInsecureRequests && { upgradeInsecureRequests: [] }),
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  };
}

export interface SecurityHeaderSets {
  api: Readonly<Record<string, string>>;
  /** For the Swagger UI pages: over https (or in production), and over plain http. */
  docsSecure: Readonly<Record<string, string>>;
  docsPlain: Readonly<Record<string, string>>;
  /** For the account pages, the same two ways. */
  pageSecure: Readonly<Record<string, string>>;
  pagePlain: Readonly<Record<string, string>>;
}

export function securityHeaderSets(
  isProduction: boolean,
  pageStyleSource: string,
): SecurityHeaderSets {
  return {
    api: securityHeaders(API_SECURITY_HEADER_OPTIONS),
    docsSecure: securityHeaders(docsSecurityHeaderOptions(true)),
    docsPlain: securityHeaders(docsSecurityHeaderOptions(isProduction)),
    pageSecure: securityHeaders(pageSecurityHeaderOptions(pageStyleSource, true)),
    pagePlain: securityHeaders(pageSecurityHeaderOptions(pageStyleSource, isProduction)),
  };
}
