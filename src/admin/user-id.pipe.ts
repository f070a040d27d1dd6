import { Injectable, type PipeTransform } from '@nestjs/common';
import { RequestValidationError } from '../common/errors/request-validation.error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A user id from the path, in its one canonical spelling (lower case). PostgreSQL matches a UUID
 * in any case, but store keys, audit entries and the self-lockout check compare strings: two
 * spellings of one id must never reach them. A value that is not a UUID is a 400 naming `id`.
 */
@Injectable()
export class UserIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value))
      throw new RequestValidationError([{ field: 'id', problem: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}
