/**
 * One JSON object per line, so Workers Logs can query every field. Message
 * text is never passed here unless the operator set LOG_CONTENT=true, and the
 * token is never passed at all.
 */
export function logEvent(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
