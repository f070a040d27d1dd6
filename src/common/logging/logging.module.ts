import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { createLoggers, logDestination, PinoNestLogger, type Loggers } from './logger';

export const LOGGERS = Symbol('LOGGERS');

/**
 * The loggers: configureApp() makes `app` Nest's logger (every `new Logger(context)` writes
 * through it) and hooks `access` into Fastify. Not global: nothing injects them. Nothing here
 * runs per request but the access log's one line.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      providers: [
        {
          provide: LOGGERS,
          useValue: createLoggers(config.logLevel, logDestination(config.logFormat)),
        },
        {
          provide: PinoNestLogger,
          useFactory: (loggers: Loggers) => new PinoNestLogger(loggers.app),
          inject: [LOGGERS],
        },
      ],
      exports: [LOGGERS, PinoNestLogger],
    };
  }
}
