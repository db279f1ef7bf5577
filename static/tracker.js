// The tracker's own script: what htmx does not. It lives in a file because the
// Content-Security-Policy allows no inline script.

// On a phone the items filter starts folded: its dozen fields would fill the first screen.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 40rem)").matches) {
    return;
  }
  for (const panel of document.querySelectorAll("details[data-fold-on-phone]")) {
    panel.open = false;
  }
});

// "Copy link": the list's URL says its filters, so a saved filter is a link. The button
// is there only with JavaScript; it works on lists htmx swapped in too.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-link] button");
  if (!button) {
    return;
  }
  const status = button.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = "Copied.";
  } catch {
    // No clipboard outside HTTPS: show the link to copy by hand.
    status.textContent = location.href;
  }
});
const showCopyLinks = () => {
  for (const element of document.querySelectorAll("[data-copy-link]")) {
    element.hidden = false;
  }
};
document.addEventListener("DOMContentLoaded", showCopyLinks);
document.addEventListener("htmx:afterSettle", showCopyLinks);

// The "Copy to the clipboard" button of the next meeting's minutes.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy-minutes");
  const status = document.getElementById("copy-status");
  const minutes = document.getElementById("next-minutes");
  if (!button || !status || !minutes) {
    return;
  }
  // Shown only where it can work: without JavaScript the text is there to select.
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(minutes.textContent);
      status.textContent = "Copied.";
    } catch {
      // No clipboard outside HTTPS: select the text for the reader to copy.
      const range = document.createRange();
      range.selectNodeContents(minutes);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
    }
  });
});

// A list's bulk form (_bulk_form.html): say how many items are ticked, and with
// "select all matching" tick every row shown. Without JavaScript the form works
// the same, without the count. Delegated: htmx swaps the list in place.
function countSelected() {
  const form = document.getElementById("bulk-form");
  if (!form) {
    return;
  }
  const all = document.getElementById("bulk-all");
  const boxes = document.querySelectorAll('input.select-item[form="bulk-form"]');
  const ticked = [...boxes].filter((box) => box.checked).length;
  const count = form.querySelector(".bulk-count");
  if (all && all.checked) {
    count.textContent = "All matching items selected.";
  } else {
    count.textContent = ticked ? `${ticked} selected` : "";
  }
}

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.id === "bulk-all") {
    for (const box of document.querySelectorAll('input.select-item[form="bulk-form"]')) {
      box.checked = target.checked;
    }
  } else if (target.matches('input.select-item[form="bulk-form"]') && !target.checked) {
    const all = document.getElementById("bulk-all");
    if (all) {
      all.checked = false;
    }
  }
  if (target.id === "bulk-all" || target.matches("input.select-item")) {
    countSelected();
  }
});

document.addEventListener("htmx:afterSwap", countSelected);

// A change the server refused (a name that names no one, a stale form): its reason,
// in its own words, beside the form that asked, where htmx would otherwise show nothing.
document.addEventListener("htmx:responseError", function (event) {
  const xhr = event.detail.xhr;
  const asker = event.detail.elt.closest("form") || event.detail.elt;
  let note = asker.querySelector(":scope > .refused");
  if (!note) {
    note = document.createElement("p");
    note.className = "notice notice-warning refused";
    note.setAttribute("role", "alert");
    asker.appendChild(note);
  }
  note.textContent =
    xhr.status < 500 && xhr.responseText.trim()
      ? xhr.responseText.trim()
      : "The server could not do that (error " + xhr.status + "). Reload the page and try again.";
});

// A later answer clears the reason of an earlier refusal.
document.addEventListener("htmx:beforeRequest", function (event) {
  const asker = event.detail.elt.closest("form") || event.detail.elt;
  const note = asker.querySelector(":scope > .refused");
  if (note) note.remove();
});
