// Keeps what a person typed when their session times out, and puts it back after they
// sign in again (docs/adr/0015). The text is held in this tab's sessionStorage,
// encrypted (AES-GCM) with a key that only pages served to the same account carry, and
// bound to the page's path. It is read once and removed; a page served to another
// account cannot read it and removes it; signing out removes everything held.
// Passwords, CSRF tokens, hidden and file fields are never held.

const PREFIX = "frontdoor:held:";
const NOT_HELD = new Set(["password", "hidden", "file", "submit", "button", "reset", "image"]);
const encoder = new TextEncoder();

const toBase64 = (bytes) => {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
};
const fromBase64 = (text) => {
  const plain = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = plain + "=".repeat((4 - (plain.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
};

const importKey = (text) =>
  crypto.subtle.importKey("raw", fromBase64(text), "AES-GCM", false, ["encrypt", "decrypt"]);

const storage = () => {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage switched off: nothing can be held
  }
};

const postForms = () =>
  [...document.forms].filter((form) => (form.getAttribute("method") || "").toLowerCase() === "post");

// Which of several forms posting to the same address this is, so it can be found again.
const place = (form, forms) => {
  const action = form.getAttribute("action") || "";
  const same = forms.filter((other) => (other.getAttribute("action") || "") === action);
  return { action, index: same.indexOf(form) };
};

const holdable = (form) =>
  [...form.elements].filter(
    (el) =>
      el.name &&
      !el.disabled &&
      el.name !== "csrfmiddlewaretoken" &&
      !(el instanceof HTMLButtonElement) &&
      !(el instanceof HTMLInputElement && NOT_HELD.has(el.type)) &&
      !(el instanceof HTMLFieldSetElement || el instanceof HTMLOutputElement),
  );

const defaultIndex = (select) => {
  const index = [...select.options].findIndex((option) => option.defaultSelected);
  return index === -1 && !select.multiple ? 0 : index;
};

const changed = (el) => {
  if (el instanceof HTMLSelectElement) {
    if (!el.multiple) return el.selectedIndex !== defaultIndex(el);
    return [...el.options].some((option) => option.selected !== option.defaultSelected);
  }
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  return el.value !== el.defaultValue;
};

// A form is held if something in it changed since the page was drawn, or if it came
// back with errors (what the person typed is in it, and is not saved anywhere else).
const worthHolding = (form, fields) =>
  fields.some(changed) || form.querySelector(".govuk-form-group--error") !== null;

const describe = (el) => {
  if (el instanceof HTMLSelectElement) {
    return { name: el.name, selected: [...el.selectedOptions].map((option) => option.value) };
  }
  if (el.type === "checkbox" || el.type === "radio") {
    return { name: el.name, value: el.value, checked: el.checked };
  }
  return { name: el.name, value: el.value };
};

// The open forms worth keeping, or [] if none.
const formsToHold = () => {
  const forms = postForms();
  return forms.filter((form) => worthHolding(form, holdable(form)));
};

/** Encrypts the forms worth keeping into sessionStorage; returns the forms it held. */
export const hold = async ({ keys, path }) => {
  const store = storage();
  const forms = formsToHold();
  if (!store || !forms.length || !keys.length || !window.crypto?.subtle) return [];
  const all = postForms();
  const held = forms.map((form) => ({ ...place(form, all), fields: holdable(form).map(describe) }));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(path) },
    await importKey(keys[0]),
    encoder.encode(JSON.stringify(held)),
  );
  store.setItem(
    PREFIX + path,
    JSON.stringify({ iv: toBase64(iv), data: toBase64(new Uint8Array(sealed)) }),
  );
  return forms;
};

const open = async (entry, path, keys) => {
  const { iv, data } = JSON.parse(entry);
  for (const text of keys) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(path) },
        await importKey(text),
        fromBase64(data),
      );
      return JSON.parse(new TextDecoder().decode(plain));
    } catch {
      // not this key: try the next
    }
  }
  return null;
};

const announce = (el) => {
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
};

// Puts one held form's fields back; returns how many it found a place for.
const apply = (form, fields) => {
  const elements = holdable(form);
  const seen = new Map();
  let placed = 0;
  for (const field of fields) {
    const named = elements.filter((el) => el.name === field.name);
    if ("checked" in field) {
      const el = named.find((candidate) => candidate.value === field.value);
      if (!el) continue;
      placed += 1;
      // A click, so GOV.UK conditional questions open as they would for the person.
      if (el.checked !== field.checked && (field.checked || el.type === "checkbox")) el.click();
      continue;
    }
    const nth = seen.get(field.name) || 0;
    seen.set(field.name, nth + 1);
    const el = named[nth];
    if (!el) continue;
    placed += 1;
    if ("selected" in field) {
      for (const option of el.options) option.selected = field.selected.includes(option.value);
    } else {
      el.value = field.value;
    }
    announce(el);
  }
  return placed;
};

const applyAll = (heldForms) => {
  const forms = postForms();
  const waiting = [];
  let placed = 0;
  for (const heldForm of heldForms) {
    const same = forms.filter((form) => (form.getAttribute("action") || "") === heldForm.action);
    const form = same[heldForm.index] || same[0];
    if (form) placed += apply(form, heldForm.fields);
    else waiting.push(heldForm);
  }
  return { placed, waiting };
};

/**
 * Puts back what was held for this page, if this account can read it, and removes it.
 * Held text this account cannot read (another account's, or too old) is removed too.
 * Forms drawn later by htmx get their fields when they arrive. Calls onRestored once.
 */
export const restore = async ({ keys, path, onRestored }) => {
  const store = storage();
  if (!store || !window.crypto?.subtle) return;
  const entries = Object.keys(store).filter((name) => name.startsWith(PREFIX));
  for (const name of entries) {
    const heldPath = name.slice(PREFIX.length);
    let heldForms = null;
    try {
      heldForms = await open(store.getItem(name), heldPath, keys);
    } catch {
      heldForms = null;
    }
    if (heldForms === null || heldPath === path) store.removeItem(name);
    if (heldForms === null || heldPath !== path) continue;

    let { placed, waiting } = applyAll(heldForms);
    let told = false;
    const tell = () => {
      if (placed && !told) {
        told = true;
        onRestored();
      }
    };
    tell();
    if (waiting.length) {
      const later = () => {
        const more = applyAll(waiting);
        placed += more.placed;
        waiting = more.waiting;
        tell();
        if (!waiting.length) document.body.removeEventListener("htmx:afterSettle", later);
      };
      document.body.addEventListener("htmx:afterSettle", later);
    }
  }
};

/** Removes everything held in this tab (on signing out). */
export const forget = () => {
  const store = storage();
  if (!store) return;
  for (const name of Object.keys(store)) {
    if (name.startsWith(PREFIX)) store.removeItem(name);
  }
};
