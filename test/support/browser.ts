import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH names another build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A host name that is not localhost, mapped to 127.0.0.1 inside the browser only: the browser
 * treats its http origin as any LAN address, VM or container (not potentially trustworthy).
 */
export const LAN_HOST = 'auth.test';

/**
 * `describe` when Chromium is installed. Without it the suite is skipped on a laptop, with a
 * line that says so, and fails in CI (CI=true), which installs it (.ci/run).
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`no browser at ${CHROMIUM_PATH}: apt-get install chromium`);
      });
    });
  } else {
    process.stderr.write(
      `Skipping "${name}": no browser at ${CHROMIUM_PATH} (apt-get install chromium)\n`,
    );
    describe.skip(name, body);
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`,
    ],
  });
}

/**
 * What went wrong in a page: console errors about the Content-Security-Policy (a blocked style,
 * script or asset), and requests that failed. Chromium's notice that it ignores
 * Cross-Origin-Opener-Policy on a plain-http origin is expected there, and is not one of these.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`),
  );
  return problems;
}

/** A TCP port free on 127.0.0.1 right now, so the app's PORT (and its links) can name it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
