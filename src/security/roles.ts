/** Every role a user account can hold; `@Auth({ roles })` and the access token's claims use them. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
