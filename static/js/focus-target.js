// Puts keyboard and screen-reader focus where the person's action led, never on the
// page body: after a full-page action (take the next contact, add a child, a "Change"
// link) the page's URL names its target (#decision, #children-1, #id_concern-concerns),
// and after an htmx swap that replaced the element holding focus, the new content.

const focusable = (element) =>
  element.matches("a[href], button, input, select, textarea, summary, [tabindex]");

// A field's question: radios, checkboxes and a date's boxes share their fieldset's
// legend. Shown above the field, as the GOV.UK error summary does for its own links.
const question = (field) => {
  if (field.type === "radio" || field.type === "checkbox" || field.closest(".govuk-date-input")) {
    return field.closest("fieldset")?.querySelector("legend");
  }
  return field.labels?.[0];
};

const focusOn = (element) => {
  if (!focusable(element)) element.setAttribute("tabindex", "-1");
  if (element.matches("input, select, textarea")) {
    (question(element) || element).scrollIntoView();
    element.focus({ preventScroll: true });
  } else {
    element.focus();
  }
};

const target = () => {
  try {
    const id = decodeURIComponent(window.location.hash.slice(1));
    return id ? document.getElementById(id) : null;
  } catch {
    return null; // a malformed address: nothing to focus
  }
};

// A section (a new child's fields) is entered at its first field; a heading or a
// field is focused itself.
const entry = (element) =>
  focusable(element) || /^H[1-6]$/.test(element.tagName)
    ? element
    : element.querySelector("input:not([type=hidden]), select, textarea") || element;

const focusTarget = () => {
  const element = target();
  if (element) focusOn(entry(element));
};

// Chromium scrolls to the URL's target once the page has loaded, and that resets focus
// to the body when the target itself cannot take focus: so focus after that. An error
// summary or a success banner keeps the focus GOV.UK Frontend gave it.
const afterLoad = () => {
  const announced = document.querySelector(
    ".govuk-error-summary, .govuk-notification-banner[role='alert']",
  );
  if (announced) {
    if (!announced.contains(document.activeElement)) focusOn(announced);
    return;
  }
  focusTarget();
};
if (document.readyState === "complete") setTimeout(afterLoad);
else window.addEventListener("load", () => setTimeout(afterLoad));
// An in-page link (a skip link such as "Go to the decision") moves focus too.
window.addEventListener("hashchange", focusTarget);

// htmx replaces what it swaps: focus inside it would fall back to the body.
let lost = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  const region = event.detail.target;
  lost = active && active !== document.body && region.contains(active)
    ? { id: active.id, region: region.id }
    : null;
});
// The same for a part a poll swaps out of band (the today page's figures).
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const active = document.activeElement;
  const region = event.detail.target;
  if (active && active !== document.body && region.contains(active)) {
    lost = { id: active.id, region: region.id };
  }
});
document.addEventListener("htmx:afterSettle", () => {
  if (!lost || (document.activeElement && document.activeElement !== document.body)) return;
  const element = (lost.id && document.getElementById(lost.id)) || document.getElementById(lost.region);
  lost = null;
  if (element) focusOn(element);
});
