import * as v from 'valibot';
import type { ChatRequestBody } from '../../widget/wire-contract.ts';

const ChatTurnSchema = v.object({
  role: v.picklist(['user', 'assistant'], 'must be "user" or "assistant"'),
  content: v.pipe(v.string('must be a string'), v.trim(), v.nonEmpty('must not be empty')),
});

/**
 * The shape of `POST /api/chat`. Unknown fields are ignored so older workers accept newer elements;
 * the operator's size bounds are checked after it (request-limits.ts).
 */
export const ChatRequestSchema = v.pipe(
  v.custom<Record<string, unknown>>(
    (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    'must be a JSON object',
  ),
  v.object({
    messages: v.pipe(
      v.array(ChatTurnSchema, 'must be an array of {role, content} messages'),
      v.nonEmpty('must hold at least one message'),
      v.check((turns) => turns.at(-1)?.role === 'user', 'must end with the visitor\'s message (role "user")'),
    ),
    system: v.optional(v.string('must be a string')),
    temperature: v.optional(v.pipe(v.number('must be a number'), v.finite('must be a finite number'))),
    maxNewTokens: v.optional(
      v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')),
    ),
    /** Whether the element keeps the conversation across reloads: an answer nobody reads then waits a while. */
    persist: v.optional(v.picklist(['none', 'session', 'local'], 'must be "none", "session" or "local"')),
  }),
);

export type ChatRequest = v.InferOutput<typeof ChatRequestSchema>;

// The schema checks the contract's body: the compiler refuses this line when the two part ways.
ChatRequestSchema satisfies v.GenericSchema<unknown, ChatRequestBody>;

/** `messages[2].role must be "user" or "assistant"`: names the field, then what is wrong with it. */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  let field = '';
  for (const item of issue.path ?? []) {
    field += typeof item.key === 'number' ? `[${item.key}]` : `${field ? '.' : ''}${String(item.key)}`;
  }
  return `${field || 'body'} ${issue.message}`;
}
