/** One turn of the conversation as the element sends it. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** What the model is asked to do; validated and bounded before it gets here. */
export interface GenerationRequest {
  system: string;
  /** Oldest first; the last turn is the visitor's question. */
  turns: ChatTurn[];
  temperature: number;
  maxNewTokens: number;
}
