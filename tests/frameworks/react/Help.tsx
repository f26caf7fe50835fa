import 'falcon-chat';
import type {} from 'falcon-chat/react';
import type { ChatMessage } from 'falcon-chat';

export function Help({ conversation, onAnswer }: { conversation: ChatMessage[]; onAnswer: (text: string) => void }) {
  return (
    <falcon-chat
      endpoint="https://your-worker.example.workers.dev/api/chat"
      mode="floating"
      theme="auto"
      suggestions={['Where is my order?', 'How do I return something?']}
      messages={conversation}
      onfalcon-chat-response={(event) => onAnswer(event.detail.text)}
    />
  );
}
