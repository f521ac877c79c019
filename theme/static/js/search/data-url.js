/**
 * Where a search data file is: search/<its group's hash>/<path> (search/page.py data_group).
 *
 * Each data file belongs to one group, fixed by its path; each group's folder is named by a
 * hash of its own files, so an edit moves only the groups whose files changed, and every
 * address holds one build's bytes for ever. The page's config lists the hashes
 * (dataGroups: {text, other, hashes}: one string, HASH_CHARS characters a group, text's first).
 */

const HASH_CHARS = 10;

/**
 * The URL of a data file.
 * @param {string} base the data folder's URL or site path, ending with "/" (config.data)
 * @param {{text: number, other: number, hashes: string} | undefined} groups config.dataGroups;
 *   without it, the files are directly under `base` (a test's own data folder)
 * @param {string} path the file's path under its group's folder, e.g. "text/chars.json"
 * @returns {string}
 */
export function dataFileUrl(base, groups, path) {
  if (!groups) return base + path;
  let value = 0x811c9dc5; // FNV-1a over the path's characters (ASCII), as data_group in Python
  for (let i = 0; i < path.length; i++) value = Math.imul(value ^ path.charCodeAt(i), 0x01000193) >>> 0;
  const group = path.startsWith("text/") ? value % groups.text : groups.text + (value % groups.other);
  return `${base}${groups.hashes.slice(group * HASH_CHARS, (group + 1) * HASH_CHARS)}/${path}`;
}
