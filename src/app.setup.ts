import { RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { ApiExceptionFilter } from './common/errors/api-exception.filter.js';
import { jsonBody } from './common/http/json-body.middleware.js';
import { requestLogging } from './common/http/request-logging.middleware.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';

export const API_PREFIX = 'api/v1';

/**
 * Everything around the routes: the same for `npm start` and for the tests, so that what the
 * tests see is what users get.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  app.use(requestLogging);
  app.use(helmet());
  if (config.corsOrigins === '*') {
    app.enableCors({ origin: '*' });
  } else if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, credentials: true });
  }
  app.use(jsonBody(config.bodyLimitBytes));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'api/v1/health', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Meetinghouse API')
      .setDescription(
        'Meeting directory, anonymous rooms and facilitator tools for recovery peer-support groups. ' +
          'Errors: `{ error: { code, message, details } }`. Realtime events: see docs/realtime.md.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
