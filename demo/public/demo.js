// The demo page's options: each one sets the element's attribute of the same name and rewrites the
// snippet a site owner would paste. Text only (textContent): the page runs under Trusted Types.
const chat = document.querySelector('falcon-chat');
const form = document.getElementById('options');
const snippet = document.getElementById('snippet');
const copy = document.getElementById('copy-snippet');
const hint = document.getElementById('mode-hint');
const DEFAULTS = { mode: 'inline', theme: 'light', lang: '', persist: 'none' };

function apply() {
  const data = new FormData(form);
  for (const name of Object.keys(DEFAULTS)) chat.setAttribute(name, String(data.get(name)));
  chat.toggleAttribute('show-settings', data.has('show-settings'));
  if (chat.getAttribute('mode') === 'floating') chat.setAttribute('open', '');
  hint.hidden = chat.getAttribute('mode') !== 'fullscreen';
  const attributes = ['heading="Ask us anything"'];
  for (const name of Object.keys(DEFAULTS)) {
    const value = String(data.get(name));
    if (value !== DEFAULTS[name] && !(name === 'lang' && value === 'en')) attributes.push(`${name}="${value}"`);
  }
  if (data.has('show-settings')) attributes.push('show-settings');
  snippet.textContent = [
    '<script type="module" src="https://your-worker.example.workers.dev/falcon-chat.js"></script>',
    `<falcon-chat ${attributes.join(' ')}></falcon-chat>`,
  ].join('\n');
}

form.addEventListener('change', apply);
// Full screen makes the page behind it inert; Escape brings the options back.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || chat.getAttribute('mode') !== 'fullscreen') return;
  form.elements.mode.value = 'inline';
  apply();
  form.elements.mode.focus();
});
copy.addEventListener('click', async () => {
  await navigator.clipboard.writeText(snippet.textContent);
  copy.textContent = 'Copied';
  setTimeout(() => (copy.textContent = 'Copy'), 2000);
});
apply();
