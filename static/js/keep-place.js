// Keeps the row a person is reading where it is on the screen when a page's poll adds
// or removes rows above it (the screening queue, docs/adr/0041). The poll is htmx's:
// the element with data-keep-place="<selector of the rows' parent>" polls, and the
// server's answer changes rows out of band. The row being read is the one holding
// focus, or else the first row whose top is on the screen; after the swap the page
// scrolls by however far that row moved. Browsers' own scroll anchoring does not
// help at the top of a page, and not at all in some browsers.

const rowRead = (list) => {
  const active = document.activeElement;
  const focused = active && list.contains(active) ? active.closest("tr") : null;
  if (focused) return focused;
  // The first row whose top is on the screen: none when the list is above or below it.
  const onScreen = (row) => {
    const { top } = row.getBoundingClientRect();
    return top >= 0 && top < window.innerHeight;
  };
  return Array.from(list.children).find(onScreen) || null;
};

let held = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  const poller = event.detail.elt;
  const selector = poller?.dataset?.keepPlace;
  const list = selector ? document.querySelector(selector) : null;
  const row = list ? rowRead(list) : null;
  held = row ? { row, top: row.getBoundingClientRect().top } : null;
});

document.addEventListener("htmx:afterSwap", () => {
  if (!held) return;
  const { row, top } = held;
  held = null;
  if (!row.isConnected) return; // the row itself went (taken): nothing to keep
  const moved = row.getBoundingClientRect().top - top;
  if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
});
