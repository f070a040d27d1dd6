import { CONNECTIONS, cyclingBearer, measure, rotatingRefresh, type Measurement } from './load';
import { measurePaced } from './paced';
import { progress, step } from './progress';
import { GUARDED_PATH, refreshTokens, type Credentials } from './setup';

export interface Targets {
  helloUrl: string;
  serviceUrl: string;
  helloCpuSeconds: () => number;
  serviceCpuSeconds: () => number;
  credentials: Credentials;
  freshTokens: string[];
  durationS: number;
}

export interface Measurements {
  /** The baseline, measured first and again after the guarded routes (see baselineOf). */
  hello: Measurement;
  helloAgain: Measurement;
  live: Measurement;
  guardedRepeated: Measurement;
  guardedFresh: Measurement;
  guardedApiKey: Measurement;
  me: Measurement;
  refresh: Measurement;
  loginSingle: Measurement;
  loginThroughput: Measurement;
  stormIdle: Measurement;
  stormDuring: Measurement;
  stormLogins: Measurement;
}

export const LOGIN_CONNECTIONS = 8;
/** Seconds before login throughput is counted: 8 logins in flight take about 2 s on one core. */
export const LOGIN_STEADY_AFTER_S = 3;
export const REFRESH_SESSIONS = 50;
/** The guarded route's rate in the storm test, as a share of its measured maximum. */
export const STORM_RATE_SHARE = 0.25;

export async function runMeasurements(t: Targets): Promise<Measurements> {
  const durationS = t.durationS;
  const warmupS = Math.max(1, Math.round(durationS / 5));
  const bearer = { authorization: `Bearer ${t.credentials.accessToken}` };
  const service = {
    baseUrl: t.serviceUrl,
    durationS,
    warmupS,
    serverCpuSeconds: t.serviceCpuSeconds,
  };

  const baseline = {
    baseUrl: t.helloUrl,
    serverCpuSeconds: t.helloCpuSeconds,
    route: '/hello',
    durationS,
    warmupS,
  };
  const hello = await measure({ ...baseline, name: 'hello (baseline)' });
  const live = await measure({ ...service, name: 'health/live', route: '/health/live' });
  const guardedRepeated = await measure({
    ...service,
    name: 'guarded, repeated JWT',
    route: GUARDED_PATH,
    headers: bearer,
  });
  const guardedFresh = await measure({
    ...service,
    name: 'guarded, fresh JWTs',
    route: GUARDED_PATH,
    requests: cyclingBearer(t.freshTokens),
  });
  const guardedApiKey = await measure({
    ...service,
    name: 'guarded, API key',
    route: GUARDED_PATH,
    headers: { 'x-api-key': t.credentials.apiKey },
  });
  const me = await measure({
    ...service,
    name: 'auth/me, JWT',
    route: '/api/v1/auth/me',
    headers: bearer,
  });

  const helloAgain = await measure({ ...baseline, name: 'hello (baseline, again)' });

  const pool = await step(`log in ${REFRESH_SESSIONS} sessions for refresh`, () =>
    refreshTokens(t.serviceUrl, t.credentials, REFRESH_SESSIONS),
  );
  // No warm-up: the tokens in flight when a run stops are lost, and the pool has one per connection.
  const refresh = await measure({
    ...service,
    warmupS: 0,
    name: 'refresh, rotating',
    route: '/api/v1/auth/refresh',
    method: 'POST',
    requests: rotatingRefresh(pool),
  });
  progress(`  refresh pool after the run: ${pool.length} of ${REFRESH_SESSIONS} tokens`);

  const loginBody = JSON.stringify({
    email: t.credentials.loginEmail,
    password: t.credentials.userPassword,
  });
  const login = {
    ...service,
    warmupS: 0,
    route: '/api/v1/auth/login',
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: loginBody,
  };
  const loginSingle = await measure({ ...login, name: 'login, 1 connection', connections: 1 });
  const loginThroughput = await measure({
    ...login,
    name: `login, ${LOGIN_CONNECTIONS} connections`,
    connections: LOGIN_CONNECTIONS,
    steadyAfterS: LOGIN_STEADY_AFTER_S,
  });

  const rate = Math.max(1, Math.round(guardedRepeated.requestsPerSecond * STORM_RATE_SHARE));
  const guardedAtRate = {
    ...service,
    route: GUARDED_PATH,
    headers: bearer,
    rate,
    connections: CONNECTIONS,
  };
  const stormIdle = await measurePaced({ ...guardedAtRate, name: 'guarded at fixed rate, idle' });
  // The storm starts a second before the measured window and ends a second after it.
  const storm = measure({
    ...login,
    name: `login storm, ${LOGIN_CONNECTIONS} connections`,
    connections: LOGIN_CONNECTIONS,
    durationS: durationS + 2,
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const stormDuring = await measurePaced({
    ...guardedAtRate,
    warmupS: 0,
    name: 'guarded at fixed rate, login storm',
  });
  const stormLogins = await storm;

  return {
    hello,
    helloAgain,
    live,
    guardedRepeated,
    guardedFresh,
    guardedApiKey,
    me,
    refresh,
    loginSingle,
    loginThroughput,
    stormIdle,
    stormDuring,
    stormLogins,
  };
}
