// A "Change" link on check-your-answers opens the form at one field's id
// (/referrals/new/#id_children-0-sex). The browser only scrolls to it; put the cursor
// in the field too, and show its question above it, as the GOV.UK error summary does
// for its own links, so a keyboard or screen reader user lands where they meant to.

const target = () => {
  try {
    const id = decodeURIComponent(window.location.hash.slice(1));
    return id ? document.getElementById(id) : null;
  } catch {
    return null; // a malformed address: nothing to focus
  }
};

const question = (field) => {
  // Radios, checkboxes and a date's boxes share one question: their fieldset's legend.
  if (field.type === "radio" || field.type === "checkbox" || field.closest(".govuk-date-input")) {
    return field.closest("fieldset")?.querySelector("legend");
  }
  return field.labels?.[0];
};

const land = () => {
  const field = target();
  if (!field || !field.matches("input, select, textarea")) return;
  (question(field) || field).scrollIntoView();
  field.focus({ preventScroll: true });
};

// After load, so the browser's own jump to the fragment does not undo the scroll.
if (document.readyState === "complete") land();
else window.addEventListener("load", land, { once: true });
