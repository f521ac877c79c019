/**
 * localStorage that never throws. Private modes, blocked cookies and full
 * quotas make `window.localStorage` (or its methods) throw; then the
 * selection lives only as long as the page, and callers can tell.
 */

/**
 * @param {string} key
 * @returns {{persistent: boolean, read: () => (string|null), write: (value: string) => boolean}}
 */
export function openStorage(key) {
  let store = null;
  try {
    store = window.localStorage;
    const probe = `${key}.probe`;
    store.setItem(probe, "1");
    store.removeItem(probe);
  } catch {
    store = null;
  }
  return {
    persistent: store !== null,
    read() {
      if (!store) return null;
      try {
        return store.getItem(key);
      } catch {
        return null;
      }
    },
    write(value) {
      if (!store) return false;
      try {
        store.setItem(key, value);
        return true;
      } catch {
        return false;
      }
    },
  };
}
