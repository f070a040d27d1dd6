import { actorColumns, SYSTEM_ACTOR } from './audit-actor';

describe('actorColumns', () => {
  it('stores a user or an API key with its id', () => {
    expect(actorColumns({ type: 'user', id: 'u-1' })).toEqual({
      actorType: 'user',
      actorId: 'u-1',
    });
    expect(actorColumns({ type: 'api_key', id: 'k1' })).toEqual({
      actorType: 'api_key',
      actorId: 'k1',
    });
  });

  it('stores the service itself without an id', () => {
    expect(actorColumns(SYSTEM_ACTOR)).toEqual({ actorType: 'system', actorId: null });
  });

  it('stores neither column when the event has no separate actor', () => {
    expect(actorColumns(undefined)).toEqual({ actorType: null, actorId: null });
  });
});
