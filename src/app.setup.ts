import { Logger, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { WEB_DIST, WebService } from './web/web.service.js';
import helmet from 'helmet';
import { DataSource } from 'typeorm';
import { ClusterPeers } from './rooms/realtime/cluster-peers.js';
import { RoomsIoAdapter } from './rooms/realtime/rooms-io.adapter.js';
import { ApiExceptionFilter, sendError } from './common/errors/api-exception.filter.js';
import { describeError, loggableError } from './common/errors/describe-error.js';
import { DomainError } from './common/errors/domain-error.js';
import { answerUnparseableRequests } from './common/http/client-errors.js';
import { jsonBody } from './common/http/json-body.middleware.js';
import { requestLogging } from './common/http/request-logging.middleware.js';
import { noStoreForPrivateAnswers } from './common/http/private-answers.middleware.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';

export const API_PREFIX = 'api/v1';

/** The paths the web app answers (its client-side routes); everything else is the API. */
const logger = new Logger('WebApp');

const WEB_PAGES = [
  '/meetings/:slug',
  '/rooms/:id',
  '/facilitate',
  '/facilitate/*rest',
  '/admin',
  '/admin/*rest',
];

/** The web app: static assets under /assets and its pages, outside the API prefix. */
function serveWebApp(app: NestExpressApplication): void {
  const web = app.get(WebService);
  app.useStaticAssets(`${WEB_DIST}assets/`, { prefix: '/assets/', index: false, maxAge: '1h' });
  const express = app.getHttpAdapter().getInstance();
  express.get('/', (_req: Request, res: Response) => {
    web.home().then(
      (html) => res.type('html').setHeader('Cache-Control', 'no-store').send(html),
      // Without its first view (the database is down, say) the page still comes, with the
      // crisis lines: whoever opens it may need them more than a meeting list.
      (err: unknown) => {
        const described = describeError(err);
        if (described.unexpected) logger.error('home page failed', loggableError(err));
        res
          .status(described.status)
          .type('html')
          .setHeader('Cache-Control', 'no-store')
          .send(web.page());
      },
    );
  });
  express.get(WEB_PAGES, (_req: Request, res: Response) => {
    res.type('html').send(web.page());
  });
}

function notFoundFallback(req: Request, res: Response): void {
  sendError(res, new DomainError('NOT_FOUND', `Cannot ${req.method} ${req.path}`));
}

function errorFallback(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  sendError(res, err);
}

/**
 * Everything around the routes: the same for `npm start` and for the tests, so that what the
 * tests see is what users get.
 */
export async function configureApp(app: NestExpressApplication, config: AppConfig): Promise<void> {
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  answerUnparseableRequests(app.getHttpServer());
  app.use(requestLogging);
  // Upgrading requests to https would break plain-http installs on a LAN; TLS is the proxy's job.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(noStoreForPrivateAnswers);
  if (config.corsOrigins === '*') {
    app.enableCors({ origin: '*' });
  } else if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, credentials: true });
  }
  serveWebApp(app);
  app.use(jsonBody(config.bodyLimitBytes, { [`/${API_PREFIX}/imports`]: config.importMaxBytes }));
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

  const dataSource = app.get(DataSource);
  app.useWebSocketAdapter(
    new RoomsIoAdapter(
      app,
      config,
      (dataSource.options as { url: string }).url,
      app.get(ClusterPeers),
    ),
  );
  await app.init();
  // Nest answers unmatched paths under the API prefix; these catch everything else, after
  // every route, so that no request ever gets Express's HTML error page.
  app.use(notFoundFallback);
  app.use(errorFallback);
}
