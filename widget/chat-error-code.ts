/**
 * What went wrong, in the element's own terms: stable for host pages whatever
 * the worker calls it, and each one has a sentence in `strings.errors`.
 */
export type ChatErrorCode =
  | 'network'
  | 'connection-lost'
  | 'timeout'
  | 'rate-limited'
  | 'busy'
  | 'bad-request'
  | 'too-large'
  | 'forbidden'
  | 'no-api'
  | 'misconfigured'
  | 'server'
  /** A token budget is spent: the whole chat's for the UTC day, or this visitor's for the hour. */
  | 'limit-today'
  | 'limit-now';
