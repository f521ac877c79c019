/**
 * 「現在地から近い順」 on the page: asks the browser for the visitor's position
 * (the Geolocation API) only when a distance order or filter is chosen — or
 * opened from a URL holding sort=near or within — and says in words what
 * happened. Arrow keys that come to rest on it offer a 「現在地を使う」 button
 * instead: passing over an option is not choosing to share one's position.
 * The position stays in this page's memory (and the search worker's):
 * it is never put in the URL, the history entry or storage, and never sent.
 *
 * Test hooks: [data-near-panel], [data-near-status] (role=status),
 * [data-near-retry], [data-near-within].
 */

const GEO_OPTIONS = { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 };

const MESSAGES = {
  waiting: "「現在地を使う」を押すと、ブラウザが位置情報の利用を確かめます。許可すると近い順に並びます。",
  asking: "現在地を確認しています。ブラウザが位置情報の利用を確かめる画面を出したら、許可すると近い順に並びます。",
  ready: "現在地から近い順に並べています。距離は直線距離で、道のりではありません。",
  readyFilterOnly: "現在地からの距離を表示しています。距離は直線距離で、道のりではありません。",
  unsupported: "このブラウザでは現在地を使えないため、距離で並べたりしぼりこんだりできません。都道府県や駅からの徒歩でしぼりこんでください。",
  denied: "現在地の利用が許可されなかったため、距離で並べたりしぼりこんだりできません。使うには、ブラウザの設定でこのサイトに位置情報を許可してから「現在地をもう一度取得する」を押してください。",
  unavailable: "現在地を取得できませんでした。電波や位置情報サービスの状態を確かめて、「現在地をもう一度取得する」を押してください。",
  timeout: "現在地の取得に時間がかかりすぎたため、中止しました。「現在地をもう一度取得する」を押すと、もう一度試します。",
};

/** Whether a search state needs the visitor's position. */
export function wantsPosition(state) {
  return state.sort === "near" || state.within != null;
}

/**
 * @param {ParentNode} root where the panel is (the page)
 * @param {{onPosition: () => void, otherOrder: () => string}} hooks
 *   onPosition: the position arrived (search again); otherOrder: the order shown meanwhile, in words
 */
export function mountNear(root, { onPosition, otherOrder }) {
  const panel = root.querySelector("[data-near-panel]");
  const status = root.querySelector("[data-near-status]");
  const retry = root.querySelector("[data-near-retry]");
  const withinArea = root.querySelector("[data-near-within-area]");
  let position = null;
  let pending = false;
  let problem = null; // the last failure's message key
  // Chosen by arrow keys passing over it: the position is asked for only when the visitor presses the button.
  let waiting = false;
  let current = null; // the state last shown

  function say(key) {
    let text = MESSAGES[key];
    if (key === "ready" && current && current.sort !== "near") text = MESSAGES.readyFilterOnly;
    if (problem && key === problem) text += `いまは「${otherOrder()}」で表示しています。`;
    if (status.textContent !== text) status.textContent = text;
  }

  function ask() {
    if (pending) return;
    if (!("geolocation" in navigator)) {
      problem = "unsupported";
      show(current);
      return;
    }
    pending = true;
    problem = null;
    show(current);
    navigator.geolocation.getCurrentPosition(
      (found) => {
        pending = false;
        // Kept in memory only: never in the URL, history.state or storage.
        position = { lat: found.coords.latitude, lng: found.coords.longitude };
        show(current);
        onPosition();
      },
      (error) => {
        pending = false;
        problem = error.code === 1 ? "denied" : error.code === 3 ? "timeout" : "unavailable";
        show(current);
        onPosition();
      },
      GEO_OPTIONS,
    );
  }

  /**
   * Show the panel for `state` (and its words); `askNow` when the visitor chose it or opened such a URL;
   * `confirmFirst` when arrow keys came to rest on it: a button asks, not the keys.
   */
  function show(state, askNow = false, confirmFirst = false) {
    current = state;
    const wanted = state && wantsPosition(state);
    panel.hidden = !wanted;
    if (!wanted) {
      waiting = false;
      status.textContent = "";
      return;
    }
    if (askNow && !position && !pending) {
      if (!confirmFirst) {
        waiting = false;
        ask();
        return;
      }
      waiting = true;
    }
    withinArea.hidden = !position;
    const offered = waiting && !position && !pending;
    retry.hidden = !offered && (!problem || problem === "unsupported");
    retry.textContent = offered ? "現在地を使う" : "現在地をもう一度取得する";
    if (pending) say("asking");
    else if (position) say("ready");
    else if (offered) say("waiting");
    else if (problem) say(problem);
  }

  retry.addEventListener("click", () => {
    problem = null;
    waiting = false;
    ask();
  });

  return {
    show,
    /** The visitor's position ({lat, lng}) once known, else null. */
    position: () => position,
    /** Asking failed (refused, unavailable, unsupported): Back and Forward do not ask again; the retry button does. */
    failed: () => problem !== null,
  };
}
