// Rising Tide's only script besides htmx. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  // A form marked data-messages-at="<id>" has its own message region beside its button, where the eye is
  // (on a phone the page's region is a screen away); every other message goes to the page's region.
  function regionFor(element) {
    const near = element && element.closest ? element.closest("[data-messages-at]") : null;
    return (near && document.getElementById(near.getAttribute("data-messages-at"))) || document.getElementById("messages");
  }

  function showMessages(items, region) {
    if (!region) return;
    region.replaceChildren();
    for (const item of items) {
      const p = document.createElement("p");
      p.className = "message message--" + (item.level || "info");
      p.textContent = item.text;
      region.appendChild(p);
    }
  }

  // Flash messages from htmx responses arrive in the HX-Trigger header.
  document.addEventListener("messages", function (event) {
    showMessages(event.detail.value || [], regionFor(event.target));
  });

  // A form's own region says nothing stale while its next request is on the way.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const region = regionFor(event.target);
    if (region && region.id !== "messages") region.replaceChildren();
  });

  // htmx does not swap error responses; say what happened instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    let text = "Something went wrong. Please reload the page and try again.";
    if (status === 403) text = "Your role in this campaign does not allow this.";
    if (status === 404) text = "That item no longer exists, or is not in this campaign.";
    showMessages([{ level: "error", text: text }], regionFor(event.target));
  });

  document.addEventListener("htmx:sendError", function (event) {
    const text = "The server could not be reached. Check your connection and try again.";
    showMessages([{ level: "error", text: text }], regionFor(event.target));
  });

  // A region marked data-scroll-into-view that htmx fills (a row's Log button fills the touchpoint form at the
  // top of a long list) is brought on screen if it is not: on a phone it is otherwise a screen or more away.
  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail.target;
    if (target && target.hasAttribute && target.hasAttribute("data-scroll-into-view")) {
      target.scrollIntoView({ block: "nearest" });
    }
  });
})();

// ---- Easy wins board: after a one-click move the board is swapped, so put keyboard focus back on the moved card.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    const card = document.querySelector("[data-moved]");
    if (!card) return;
    card.removeAttribute("data-moved");
    const field = card.querySelector("[aria-invalid=true]") || card.querySelector("textarea, input:not([type=hidden]), select");
    (field || card).focus();
  });
})();

// ---- Allies: a confirmation before buttons marked data-confirm submit (plain forms, no htmx) ----
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const button = event.submitter;
    const question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();

// --- Personas: workshop entry -------------------------------------------------
// After a card is saved (or refused) the entry form comes back from htmx: put the
// cursor on the first field with an error, else on the field marked for it, so the
// facilitator can type the next card without reaching for the mouse.
// The print view's button prints the page (no inline handlers under the CSP).
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    // Only after a submit: the hints that arrive while typing must not move the cursor.
    if (!event.detail.requestConfig || event.detail.requestConfig.verb !== "post") return;
    const region = document.querySelector("[data-refocus]");
    if (!region) return;
    const field = region.querySelector("[aria-invalid=true]") || region.querySelector("[data-autofocus]");
    if (field) field.focus();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // A card's "department they work in" only means something for someone inside the
  // organisation: hide it while "outside" is chosen (the server ignores it then too).
  function syncScope() {
    for (const field of document.querySelectorAll(".field--department_served")) {
      const inside = field.closest("form").querySelector("input[name=scope][value=inside]");
      if (inside) field.hidden = !inside.checked;
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "scope") syncScope();
  });
  document.addEventListener("htmx:afterSwap", syncScope);
  document.addEventListener("DOMContentLoaded", syncScope);
})();

// ---- Pickers (campaign/pickers.py): with JavaScript the matches come as you type, so the Find button
// (there for browsers without it) goes, and Enter in a search box searches instead of submitting the form.
(function () {
  "use strict";
  function dropFindButtons() {
    document.querySelectorAll("[data-picker-find]").forEach(function (button) { button.remove(); });
  }
  document.addEventListener("DOMContentLoaded", dropFindButtons);
  document.addEventListener("htmx:afterSettle", dropFindButtons); // forms that arrive by htmx (board cards)
  document.addEventListener("keydown", function (event) {
    const box = event.target.closest && event.target.closest("[data-picker-search]");
    if (box && event.key === "Enter") {
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(box, "search");
    }
  });
})();

// ---- New campaign: suggest the web address from the name, until the address is edited by hand ----
(function () {
  "use strict";
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").slice(0, 60).replace(/-+$/, "");
  }
  for (const target of document.querySelectorAll("input[data-slug-from]")) {
    const source = document.getElementById(target.dataset.slugFrom);
    if (!source) continue;
    // An address already typed (or sent back with an error) is the user's: leave it alone.
    let edited = target.value !== "" && target.value !== slugify(source.value);
    target.addEventListener("input", function () { edited = target.value !== ""; });
    source.addEventListener("input", function () {
      if (!edited) target.value = slugify(source.value);
    });
  }
})();
