import type { SystemMessagePolicy } from '../config.ts';

/**
 * The system message the model gets. The operator decides how much the
 * element's `system-message` attribute (which any visitor can edit) counts.
 */
export function resolveSystemMessage(
  policy: SystemMessagePolicy,
  operator: string,
  fromElement: string | undefined,
): string {
  const requested = fromElement?.trim();
  if (policy === 'fixed' || !requested) return operator;
  if (policy === 'prefix') return `${operator}\n${requested}`;
  return requested;
}
