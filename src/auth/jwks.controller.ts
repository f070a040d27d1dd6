import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SigningKeys } from '../tokens/signing-keys';
import { Public } from '../security/auth.decorator';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Public()
  // Short enough that a rotation reaches verifiers quickly; they refetch on an unknown kid anyway.
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (RFC 7517)' })
  @ApiOkResponse({
    schema: {
      example: { keys: [{ kty: 'RSA', kid: '…', alg: 'RS256', use: 'sig', n: '…', e: 'AQAB' }] },
    },
  })
  jwks(): ReturnType<SigningKeys['jwks']> {
    return this.keys.jwks();
  }
}
