import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one Powertools logger of a function. Service name and level come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_LOG_LEVEL (defaults: "outcall", INFO). Never log a phone number or a person's name through it.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'outcall' });
