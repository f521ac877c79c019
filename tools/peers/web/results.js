// Shared by the peers' search pages: the same test hooks as the project's
// /search/ ([data-results] with aria-busy, [data-result-count], cards with
// data-facility-id, a text box named q), so one harness measures all.
export const SHOWN = 20;

/**
 * Wire a text box to a search function; render the first SHOWN results.
 * @param {(q: string, pref: string) => Promise<{total: number, shown: {id: string, title: string}[]}>} search
 */
export function mountSearch(search) {
  const results = document.querySelector("[data-results]");
  const count = document.querySelector("[data-result-count]");
  const box = document.querySelector('input[name="q"]');
  const params = new URLSearchParams(location.search);
  const pref = params.get("pref") || "";
  box.value = params.get("q") || "";
  let latest = 0;
  async function run() {
    const ticket = ++latest;
    results.setAttribute("aria-busy", "true");
    const { total, shown } = await search(box.value, pref);
    if (ticket !== latest) return;
    const items = shown.map(({ id, title }) => {
      const item = document.createElement("li");
      item.dataset.facilityId = id;
      item.textContent = title;
      return item;
    });
    results.replaceChildren(...items);
    count.textContent = `${total}件の事業所が見つかりました`;
    results.setAttribute("aria-busy", "false");
  }
  box.addEventListener("input", run);
  return run();
}
