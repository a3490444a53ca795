// Warns a signed-in user before their session ends for inactivity, and lets them
// stay signed in. Typing in a form counts as activity. When the time does run out,
// what was typed is kept (static/js/held-input.js, docs/adr/0015) before signing out,
// and put back after signing in again.
// Loaded as a module (no inline script, so the CSP stays strict). Without JavaScript
// the session still ends on the server; the user just is not warned.

const root = document.querySelector("[data-module='app-session-timeout']");

if (root) start(root);

function start(root) {
  const timeoutMs = Number(root.dataset.timeoutSeconds) * 1000;
  const warningMs = Math.min(Number(root.dataset.warningSeconds) * 1000, timeoutMs);
  // The browser ends a little before the server does, so that what it does at zero
  // (keep the typed text, save a draft, sign out) happens while the session exists.
  // The server writes its session's end at most every half this margin
  // (frontdoor/sessions.py): change the two together.
  const marginMs = Math.min(10_000, timeoutMs / 10);
  // Typing sends a keep-alive only after this long without any request to the server:
  // at most once a minute, and often enough that a short session never runs out.
  const keepAliveEveryMs = Math.min(60_000, timeoutMs / 4);
  const keys = (root.dataset.holdKeys || "").split(" ").filter(Boolean);
  const path = window.location.pathname;
  const dialog = root.querySelector(".app-timeout-dialog");
  const countdown = root.querySelector(".app-timeout-dialog__countdown");
  const stay = root.querySelector(".app-timeout-dialog__stay");
  const token = root.querySelector("input[name='csrfmiddlewaretoken']").value;
  const heldInput = import(root.dataset.heldInputScript);
  let heldModule = null;
  heldInput.then((held) => (heldModule = held)).catch(() => {});
  // The time of this browser's last request, shared by its tabs (one session): a tab
  // left open must not sign out someone typing in another. A time, never any text.
  const SHARED = "frontdoor:last-request";
  let lastRequest = Date.now();
  let expiring = false;
  let returnFocusTo = null;

  const noteRequest = () => {
    lastRequest = Date.now();
    try {
      window.localStorage.setItem(SHARED, String(lastRequest));
    } catch {
      // storage switched off: this tab keeps its own time
    }
  };
  const remaining = () => {
    try {
      lastRequest = Math.max(lastRequest, Number(window.localStorage.getItem(SHARED)) || 0);
    } catch {
      // as above
    }
    return timeoutMs - marginMs - (Date.now() - lastRequest);
  };
  // The server's session has certainly ended (a laptop woke from sleep, say).
  const serverExpired = () => remaining() + marginMs <= 0;

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
    if (dialog.hidden) return;
    dialog.hidden = true;
    document.body.classList.remove("app-timeout-open");
    if (returnFocusTo && returnFocusTo.focus) returnFocusTo.focus();
  };

  // Forms that have a draft (data-app-save-on-timeout="<action>") are also saved on the
  // server, so they survive the tab being closed.
  const saveDrafts = (forms) =>
    Promise.all(
      forms
        .filter((form) => form.dataset.appSaveOnTimeout)
        .map(async (form) => {
          const body = new FormData(form);
          body.set("action", form.dataset.appSaveOnTimeout);
          // Not form.action: a field named "action" hides that property.
          const address = new URL(form.getAttribute("action") || "", window.location.href);
          try {
            await fetch(address, {
              method: "POST",
              body,
              credentials: "same-origin",
              redirect: "manual",
              signal: AbortSignal.timeout(5000),
            });
          } catch {
            // the text is still held in the tab
          }
        }),
    );

  const signOut = () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = root.dataset.timedOutUrl;
    form.hidden = true;
    for (const [name, value] of [
      ["csrfmiddlewaretoken", token],
      ["next", path],
    ]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit(); // no submit event: this is not the person signing out
  };

  const expire = async () => {
    if (expiring) return;
    expiring = true;
    window.clearInterval(timer);
    let held = [];
    try {
      held = await (await heldInput).hold({ keys, path });
    } catch {
      // nothing could be held; signing out is still the safe direction
    }
    if (!serverExpired()) await saveDrafts(held);
    signOut();
  };

  let inFlight = null;
  const keepAlive = () => {
    if (inFlight || expiring) return;
    inFlight = (async () => {
      try {
        const response = await fetch(root.dataset.keepAliveUrl, {
          method: "POST",
          headers: { "X-CSRFToken": token },
          credentials: "same-origin",
          redirect: "manual",
        });
        if (response.status === 204) {
          noteRequest();
          close();
        } else {
          // Sent to sign in: the session has already ended.
          await expire();
        }
      } catch {
        // No network: the timer carries on and the server decides.
      } finally {
        inFlight = null;
      }
    })();
  };

  const tick = () => {
    if (expiring) return;
    const left = remaining();
    if (left <= 0) {
      expire();
      return;
    }
    if (left <= warningMs) {
      countdown.textContent = describe(left);
      open();
    } else {
      close(); // another tab kept the session alive
    }
  };

  const typed = (event) => {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest("form") || root.contains(target)) return;
    if (!dialog.hidden || Date.now() - lastRequest >= keepAliveEveryMs) keepAlive();
  };
  // Not "change": it also fires when the warning takes focus from a field just edited,
  // which is not the person doing anything. "input" covers selects, radios and boxes.
  for (const type of ["input", "keydown"]) {
    document.addEventListener(type, typed, true);
  }

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
  // A form sent after the server's session ended would be answered with the sign-in
  // page and its text dropped: keep the text and sign out instead.
  document.addEventListener(
    "submit",
    (event) => {
      if (expiring || serverExpired()) {
        event.preventDefault();
        expire();
      } else if (event.target.matches(".app-sign-out") && heldModule) {
        heldModule.forget(); // a shared computer keeps nothing for the next person
      }
    },
    true,
  );
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (expiring || serverExpired()) {
      event.preventDefault();
      expire();
    }
  });
  // Any request to the server (a page, an htmx save) resets the server's clock; a
  // page's own poll for changes does not (frontdoor/sessions.py, docs/adr/0041).
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const headers = event.detail.requestConfig?.headers || {};
    if (event.detail.successful && headers["X-Frontdoor-Poll"] !== "1") noteRequest();
  });
  document.addEventListener("visibilitychange", tick);

  noteRequest();
  const timer = window.setInterval(tick, 1000);

  const showBanner = () => {
    const template = document.getElementById("app-held-input-banner");
    if (!template) return;
    const banner = template.content.firstElementChild.cloneNode(true);
    template.replaceWith(banner);
    banner.focus();
  };
  heldInput.then((held) => held.restore({ keys, path, onRestored: showBanner })).catch(() => {});
}
