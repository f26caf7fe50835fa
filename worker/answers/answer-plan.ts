import type { BudgetSettlement } from '../budget/reserve-budget.ts';
import type { DoneData } from '../../widget/wire-contract.ts';
import type { GenerationRequest } from '../model/conversation.ts';
import type { AnswerPolicy, UpstreamConfig } from '../model/upstream.ts';

/** Whether the element keeps the conversation across reloads, as it says in its request. */
export type PersistMode = 'none' | 'session' | 'local';

/** Who may read an answer: the page origin that asked, its bot-check session, and the handle's secret. */
export interface AnswerAccess {
  origin: string;
  /** The Turnstile session's id when the bot check is on. */
  session?: string;
  /** SHA-256 of the handle's secret, hex; the secret itself is never stored. */
  secretHash: string;
}

/** What the answer's log line says besides its outcome. */
export interface AnswerLogFields {
  requestId: string;
  clientRequestId?: string;
  origin?: string;
  droppedTurns: number;
  question?: string;
  /** When the worker received the question, ms since the epoch. */
  receivedAt: number;
}

/**
 * Everything one answer needs, decided by `POST /api/chat` after its checks and
 * handed to the answer's Durable Object, which runs it. The operator's settings
 * travel with the plan, so the object never reads the configuration itself.
 */
export interface AnswerPlan {
  request: GenerationRequest;
  upstream: UpstreamConfig;
  policy: Omit<AnswerPolicy, 'onUpstreamRequest' | 'onUpstreamResponse' | 'onRetry'>;
  heartbeatMs: number;
  doneExtras?: Partial<DoneData>;
  persist: PersistMode;
  /** With persistence, how long an answer nobody reads keeps going (a reload may come back for it). */
  graceMs: number;
  access: AnswerAccess;
  /** The resume handle, told only to the page that asked, in the first event of its response. */
  handle: string;
  keepText: boolean;
  /** The question's token reservations, settled when the answer ends (absent without budgets). */
  budget?: BudgetSettlement;
  log: AnswerLogFields;
}
