import { knownClientsContract } from './auth/throttling/known-clients.contract';
import { loginDelayContract } from './auth/throttling/login-delay.contract';
import { resetMailGateContract } from './auth/throttling/reset-mail-gate.contract';
import { attemptBudgetContract } from './rate-limit/attempt-budget.contract';
import { throttlerHitsContract } from './rate-limit/throttler-hits.contract';
import { keyValueStoreContract } from './state/key-value.store.contract';
import type { ScriptContract } from './state/script-contract.fixture';
import { oneTimeTokenStoreContract } from './tokens/one-time-token.store.contract';
import { legacySessionsContract } from './tokens/legacy-sessions.contract';
import { refreshSessionStoreContract } from './tokens/refresh-session.store.contract';
import { revocationStoreContract } from './tokens/revocation.store.contract';
import { sessionMapContract } from './tokens/session-map.contract';

/**
 * Every contract suite of the key-value store and of the atomic scripts built on it. Each runs
 * against the memory store in src/atomic-scripts.spec.ts (npm test) and against Redis in
 * test/key-value-store.e2e-spec.ts (npm run test:services): the JavaScript and the Lua body of
 * every script are held to the same outcomes. src/atomic-scripts.spec.ts fails when a script in
 * src/ is exercised by none of them.
 */
export const ATOMIC_SCRIPT_CONTRACTS: readonly ScriptContract[] = [
  keyValueStoreContract,
  refreshSessionStoreContract,
  legacySessionsContract,
  sessionMapContract,
  revocationStoreContract,
  oneTimeTokenStoreContract,
  attemptBudgetContract,
  throttlerHitsContract,
  loginDelayContract,
  resetMailGateContract,
  knownClientsContract,
];
