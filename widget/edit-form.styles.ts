import { css } from 'lit';

/** The edit form (edit-form.ts), adopted when its chunk arrives. */
export const editStyles = css`
  .edit {
    display: grid;
    gap: calc(var(--falcon-chat-spacing) / 2);
    min-width: min(20rem, 60vw);
  }

  .edit-buttons {
    display: flex;
    justify-content: flex-end;
    gap: calc(var(--falcon-chat-spacing) / 2);
  }
`;
