import { atomicScriptNames } from './atomic-script-names.fixture';

/**
 * Jest global teardown of the unit project: the unit run holds every atomic script's JavaScript
 * body to its contract, never its Lua body. Says so in one line, unless the run is the one that
 * does exercise them.
 */
export default function unexercisedLua(): void {
  if (process.env.TEST_SERVICES === '1') return;
  const { names } = atomicScriptNames();
  process.stdout.write(
    `\nLua bodies of ${names.length} atomic scripts were not exercised: run npm run test:services\n`,
  );
}
