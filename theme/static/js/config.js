/**
 * Site configuration, read once from the JSON data block the templates emit
 * (`<script type="application/json" id="site-config">`).
 * @returns {{root: string, compareLimit: number}}
 */
export function readConfig() {
  const block = document.getElementById("site-config");
  const fallback = { root: ".", compareLimit: 4 };
  if (!block) return fallback;
  try {
    return { ...fallback, ...JSON.parse(block.textContent) };
  } catch {
    return fallback;
  }
}

/**
 * Absolute URL of a site path such as "facilities/current/", resolved against the page.
 * @param {string} path
 */
export function siteUrl(path) {
  const { root } = readConfig();
  return new URL(`${root}/${path}`, document.baseURI).href;
}
