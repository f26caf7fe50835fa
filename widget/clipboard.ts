/**
 * Puts `text` on the clipboard. The Clipboard API needs a secure context and
 * may be refused inside frames; then a selected, off-screen textarea in
 * `scope` is copied the old way. Resolves to whether either worked.
 */
export async function copyText(text: string, scope: ShadowRoot): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const focused = scope.activeElement as HTMLElement | null;
    const field = document.createElement('textarea');
    field.value = text;
    field.className = 'visually-hidden';
    scope.append(field);
    field.select();
    const copied = document.execCommand('copy');
    field.remove();
    focused?.focus();
    return copied;
  }
}
