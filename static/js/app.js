// Rising Tide's only script besides htmx. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  function showMessages(items) {
    const region = document.getElementById("messages");
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
    showMessages(event.detail.value || []);
  });

  // htmx does not swap error responses; say what happened instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    let text = "Something went wrong. Please reload the page and try again.";
    if (status === 403) text = "Your role in this campaign does not allow this.";
    if (status === 404) text = "That item no longer exists, or is not in this campaign.";
    showMessages([{ level: "error", text: text }]);
  });

  document.addEventListener("htmx:sendError", function () {
    showMessages([{ level: "error", text: "The server could not be reached. Check your connection and try again." }]);
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
