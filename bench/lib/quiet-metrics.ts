/**
 * Imported first by suites that run handlers in-process: the shared Powertools metrics instance reads
 * POWERTOOLS_METRICS_DISABLED when its module loads, and a handler would otherwise print its EMF lines into the
 * bench's output on every call.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
