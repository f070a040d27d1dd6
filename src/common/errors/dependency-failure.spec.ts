import { runInNewContext } from 'node:vm';
import { asDependencyFailure } from './dependency-failure';
import { DependencyUnavailableError } from './dependency-unavailable.error';

function withCode<T extends object>(error: T, code: string): T {
  return Object.assign(error, { code });
}

describe('asDependencyFailure', () => {
  it('maps a refused connection to a 503 for the database', () => {
    const failure = asDependencyFailure(
      withCode(new Error('connect ECONNREFUSED'), 'ECONNREFUSED'),
    );
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure?.dependency).toBe('database');
  });

  it('recognises a socket error made in another realm (as Node makes them under a vm context)', () => {
    const foreign = runInNewContext('new Error("connect ECONNREFUSED 127.0.0.1:5432")') as object;
    expect(foreign instanceof Error).toBe(false);
    expect(asDependencyFailure(withCode(foreign, 'ECONNREFUSED'))?.dependency).toBe('database');
  });

  it('looks at the driver error that TypeORM wraps', () => {
    const wrapped = Object.assign(new Error('Query failed'), {
      driverError: withCode(new Error('terminating connection'), '57P01'),
    });
    expect(asDependencyFailure(wrapped)).toBeInstanceOf(DependencyUnavailableError);
  });

  it('leaves a query the database refused alone', () => {
    expect(asDependencyFailure(withCode(new Error('duplicate key'), '23505'))).toBeUndefined();
    expect(asDependencyFailure('ECONNREFUSED')).toBeUndefined();
  });
});
