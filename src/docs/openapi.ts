import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'apiKey';

/** The OpenAPI 3 document, built from the controllers' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Auth Service')
    .setDescription(
      'Sign-in with email and password (JWT access tokens, rotating refresh tokens) and admin-issued ' +
        'API keys. Every route needs a credential unless it is marked public. Errors share one shape: ' +
        '`{statusCode, error, message, requestId, code?, details?}`.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token from login, register or refresh.',
      },
      BEARER_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An API key issued by an admin.',
      },
      API_KEY_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Where Swagger UI and the document are served (its pages get their own CSP: app.setup.ts). */
export const DOCS_PATH = '/docs';

export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH.slice(1)}/openapi.json`,
    yamlDocumentUrl: `${DOCS_PATH.slice(1)}/openapi.yaml`,
    customSiteTitle: 'Auth Service API',
    swaggerOptions: { persistAuthorization: false, displayRequestDuration: true },
  });
}
