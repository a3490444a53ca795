// Warns a signed-in user before their session ends for inactivity, and lets them
// stay signed in. Loaded as a module (no inline script, so the CSP stays strict).
// Without JavaScript the session still ends on the server; the user just is not warned.

const root = document.querySelector("[data-module='app-session-timeout']");

if (root) {
  const timeoutMs = Number(root.dataset.timeoutSeconds) * 1000;
  const warningMs = Math.min(Number(root.dataset.warningSeconds) * 1000, timeoutMs);
  const dialog = root.querySelector(".app-timeout-dialog");
  const countdown = root.querySelector(".app-timeout-dialog__countdown");
  const stay = root.querySelector(".app-timeout-dialog__stay");
  const token = root.querySelector("input[name='csrfmiddlewaretoken']").value;
  let lastActivity = Date.now();
  let returnFocusTo = null;

  const remaining = () => timeoutMs - (Date.now() - lastActivity);

  const describe = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const open = () => {
    if (!dialog.hidden) return;
    returnFocusTo = document.activeElement;
    dialog.hidden = false;
    document.body.classList.add("app-timeout-open");
    dialog.focus();
  };

  const close = () => {
    dialog.hidden = true;
    document.body.classList.remove("app-timeout-open");
    if (returnFocusTo && returnFocusTo.focus) returnFocusTo.focus();
  };

  // Signing out is a POST (never a link), so the timer submits the sign-out form.
  const signOut = () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = root.dataset.signOutUrl;
    form.hidden = true;
    for (const [name, value] of [
      ["csrfmiddlewaretoken", token],
      ["next", root.dataset.signedOutUrl],
    ]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  };

  let signingOut = false;
  const tick = () => {
    const left = remaining();
    if (left <= 0) {
      if (!signingOut) {
        signingOut = true;
        signOut();
      }
      return;
    }
    if (left <= warningMs) {
      countdown.textContent = describe(left);
      open();
    }
  };

  const keepAlive = async () => {
    const response = await fetch(root.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    });
    if (response.ok) {
      lastActivity = Date.now();
      close();
    } else {
      signOut();
    }
  };

  stay.addEventListener("click", (event) => {
    event.preventDefault();
    keepAlive();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      keepAlive();
    }
  });
  // Any request to the server (a page, an htmx save) resets the server's clock.
  document.body.addEventListener("htmx:afterRequest", () => {
    lastActivity = Date.now();
  });
  window.setInterval(tick, 1000);
}
