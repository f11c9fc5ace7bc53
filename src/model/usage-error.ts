// The error of bad input (a flag, a config key): one clear line, exit 2, nothing touched. Here, below
// every layer, so the model's parsers (the limits) can throw it; config.ts re-exports it.

export class UsageError extends Error {
  override name = 'UsageError';
}
