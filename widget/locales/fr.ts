import type { FalconChatStrings } from './locale-shape.ts';

// Written out in each locale: a shared helper would become a chunk of its own, loaded with the entry.
const inSeconds = (seconds: number | undefined, now: string, later: (seconds: number) => string) =>
  seconds ? later(seconds) : now;

/** French: a chunk of its own, loaded when a page or element asks for it. */
const fr: FalconChatStrings = {
  heading: 'Discussion',
  placeholder: 'Posez une question…',
  inputLabel: 'Votre message',
  transcriptLabel: 'Conversation',
  send: 'Envoyer',
  stop: 'Arrêter',
  clear: 'Effacer',
  retry: 'Réessayer',
  userLabel: 'Vous :',
  assistantLabel: 'Assistant :',
  stopped: 'Arrêté',
  cutShort: 'La réponse a atteint sa longueur maximale.',
  settings: 'Options avancées',
  systemMessage: 'Message système',
  temperature: 'Température',
  copy: 'Copier',
  copied: 'Copié',
  copyCode: 'Copier le code',
  edit: 'Modifier',
  editLabel: 'Modifier votre question',
  cancel: 'Annuler',
  regenerate: 'Régénérer',
  deleteExchange: 'Supprimer',
  jumpToLatest: 'Aller au plus récent',
  openChat: 'Ouvrir la discussion',
  closeChat: 'Fermer la discussion',
  suggestionsLabel: 'Suggestions',
  messageActions: 'Actions du message',
  stillAnswering: 'Une réponse arrive encore. Appuyez sur Arrêter pour poser une autre question.',
  retryIn: (s) => `Réessayer dans ${s} s`,
  reconnecting: 'Reconnexion…',
  errors: {
    network: 'Le service de discussion est injoignable. Vérifiez votre connexion et réessayez.',
    'connection-lost': 'La connexion a été perdue avant la fin de la réponse.',
    timeout: 'Le modèle a mis trop de temps à répondre. Veuillez réessayer.',
    'rate-limited': (s) =>
      inSeconds(
        s,
        'Trop de questions en ce moment. Réessayez dans un instant.',
        (s) => `Trop de questions en ce moment. Réessayez dans ${s} s.`,
      ),
    busy: (s) =>
      inSeconds(
        s,
        'Le modèle est occupé ou démarre. Réessayez dans un instant.',
        (s) => `Le modèle est occupé ou démarre. Réessayez dans ${s} s.`,
      ),
    'bad-request': 'Le service n’a pas pu accepter cette question. Essayez-en une plus courte ou différente.',
    'too-large': 'Cette conversation est devenue trop longue. Effacez-la et reposez la question.',
    forbidden: 'Ce site n’est pas autorisé à utiliser le service de discussion.',
    'no-api': 'Cette discussion est mal configurée : son service est introuvable.',
    misconfigured: 'Le service de discussion n’est pas encore configuré correctement : il ne peut pas répondre.',
    'limit-today': 'Cette discussion a atteint sa limite pour aujourd’hui. Revenez plus tard.',
    'limit-now': 'Cette discussion a atteint sa limite pour le moment. Réessayez plus tard.',
    server: 'Un problème est survenu de notre côté. Veuillez réessayer.',
  },
};

export default fr;
