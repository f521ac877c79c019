/**
 * Distances for 「現在地から近い順」: the coordinate files, great-circle distances
 * and their labels. No DOM: the engine (worker) and the page both use it.
 *
 * The arithmetic is plugins/facility_site/geo/distance.py's: the same Earth
 * radius, the same 1e-4 degree coordinates and the same label rules, so a
 * distance reads the same on a search card and on a facility page.
 */

export const EARTH_RADIUS_M = 6371008.8;
const SAME_PLACE_KM = 0.05;
const RAD = Math.PI / 180;

/**
 * One coordinate file (search/coordinates.py) into `lat`/`lng` (degrees, NaN without a location).
 * @param {{start: number, count: number, scale: number, none: number[], lat: number[], lng: number[]}} file
 * @param {Float64Array} lat national array, filled in place
 * @param {Float64Array} lng
 */
export function fillCoordinates(file, lat, lng) {
  const none = file.none; // ascending offsets
  let next = 0;
  let y = 0;
  let x = 0;
  let k = 0;
  for (let offset = 0; offset < file.count; offset++) {
    const d = file.start + offset;
    if (next < none.length && none[next] === offset) {
      next++;
      lat[d] = NaN;
      lng[d] = NaN;
      continue;
    }
    y += file.lat[k];
    x += file.lng[k];
    k++;
    lat[d] = y / file.scale;
    lng[d] = x / file.scale;
  }
}

/**
 * Metres from `position` to each of `docs` (NaN where the location is unknown).
 * @param {{lat: number, lng: number}} position degrees
 * @returns {Float64Array} indexed by doc number
 */
export function distancesFrom(position, lat, lng, docs, out) {
  const p1 = position.lat * RAD;
  const cos1 = Math.cos(p1);
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i];
    const p2 = lat[d] * RAD;
    const sinDp = Math.sin((p2 - p1) / 2);
    const sinDl = Math.sin(((lng[d] - position.lng) * RAD) / 2);
    const a = sinDp * sinDp + cos1 * Math.cos(p2) * (sinDl * sinDl); // grouped as geo/distance.py computes it
    out[d] = 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  return out;
}

/**
 * `docs` (ascending) nearest first, to the metre; ties and offices without a
 * location (NaN) keep doc order, the latter at the end. One numeric sort of
 * packed keys (metres × 2^bits + position), no comparator: about 3 ms for 30,000.
 * @returns {{ordered: Int32Array, unknown: number}}
 */
export function orderByDistance(docs, metres) {
  let known = 0;
  for (let i = 0; i < docs.length; i++) if (metres[docs[i]] === metres[docs[i]]) known++;
  const bits = 2 ** Math.ceil(Math.log2(docs.length + 1));
  const keys = new Float64Array(known);
  const ordered = new Int32Array(docs.length);
  let k = 0;
  let u = known;
  for (let i = 0; i < docs.length; i++) {
    const m = metres[docs[i]];
    if (m === m) keys[k++] = Math.round(m) * bits + i;
    else ordered[u++] = docs[i];
  }
  keys.sort();
  for (let j = 0; j < known; j++) ordered[j] = docs[keys[j] % bits];
  return { ordered, unknown: docs.length - known };
}

/** 「50m未満」, 「約1.2km」 (tenths below 10 km), 「約12km」, 「約1,234km」: geo/distance.py distance_label. */
export function distanceLabel(metres) {
  const km = metres / 1000;
  if (km < SAME_PLACE_KM) return "50m未満";
  const tenths = Math.floor(km * 10 + 0.5);
  if (tenths < 100) return `約${Math.floor(tenths / 10)}.${tenths % 10}km`;
  return `約${String(Math.floor(km + 0.5)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}km`;
}
