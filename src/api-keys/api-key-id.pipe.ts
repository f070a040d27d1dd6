import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiKeyNotFoundError } from './api-key.errors';
import { KEY_ID_LENGTH } from './api-key-format';

const KEY_ID = new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`);

/** A path id that cannot be a key id is simply not found: no query, no 500 on odd input. */
@Injectable()
export class ApiKeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!KEY_ID.test(value)) throw new ApiKeyNotFoundError();
    return value;
  }
}
