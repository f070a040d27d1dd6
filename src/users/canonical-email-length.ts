import { ValidateBy, type ValidationOptions } from 'class-validator';
import { canonicalEmail, EMAIL_MAX_LENGTH } from './email';

/**
 * The email (or part of one) is at most EMAIL_MAX_LENGTH characters once canonical: the column
 * holds the canonical form, and lower-casing can lengthen it past a limit the input met.
 */
export function CanonicalEmailMaxLength(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'canonicalEmailMaxLength',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || canonicalEmail(value).length <= EMAIL_MAX_LENGTH,
        defaultMessage: () =>
          `must be at most ${EMAIL_MAX_LENGTH} characters long once lower-cased`,
      },
    },
    options,
  );
}
