import type { ChatTurn } from '../../widget/wire-contract.ts';

/** One turn of the conversation as the element sends it. */
export type { ChatTurn };

/** What the model is asked to do; validated and bounded before it gets here. */
export interface GenerationRequest {
  system: string;
  /** Oldest first; the last turn is the visitor's question. */
  turns: ChatTurn[];
  temperature: number;
  maxNewTokens: number;
}
