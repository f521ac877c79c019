/**
 * Copy text to the clipboard: the Clipboard API where the page may use it,
 * else the older copy command on a hidden text box.
 * @param {string} text
 * @returns {Promise<boolean>} whether the text was copied
 */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      /* permission refused: try the older way */
    }
  }
  const box = document.createElement("textarea");
  box.value = text;
  box.setAttribute("readonly", "");
  box.className = "visit-copy-buffer";
  document.body.append(box);
  const focused = document.activeElement;
  box.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  box.remove();
  if (focused instanceof HTMLElement) focused.focus();
  return copied;
}
