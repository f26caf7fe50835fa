import { html } from 'lit';
import type { FalconChatStrings } from './strings.ts';

export { settingsStyles } from './settings-panel.styles.ts';

/** What the panel reads and sets: the element's own properties. */
export interface SettingsTarget {
  systemMessage: string;
  temperature: number;
}

/** "Advanced options": the system message and the temperature, a chunk of its own for elements with `show-settings`. */
export function renderSettings(el: SettingsTarget, text: FalconChatStrings) {
  return html`
    <details part="settings">
      <summary>${text.settings}</summary>
      <div class="settings">
        <label for="system-message">${text.systemMessage}</label>
        <textarea
          id="system-message"
          part="system-message-input"
          rows="3"
          .value=${el.systemMessage}
          @input=${(event: InputEvent) => (el.systemMessage = (event.target as HTMLTextAreaElement).value)}
        ></textarea>
        <label for="temperature">${text.temperature}</label>
        <div class="slider">
          <input
            id="temperature"
            part="temperature-input"
            type="range"
            min="0.1"
            max="1"
            step="0.1"
            .value=${String(el.temperature)}
            @input=${(event: InputEvent) => (el.temperature = Number((event.target as HTMLInputElement).value))}
          />
          <output for="temperature" aria-live="off">${el.temperature.toFixed(1)}</output>
        </div>
      </div>
    </details>
  `;
}
