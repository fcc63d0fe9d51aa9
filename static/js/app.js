// casemgmt: behaviour that must not live inline (the Content-Security-Policy forbids it).

// A text box whose limit is at least this long counts its characters as you type (a
// text area always does); shorter boxes (names, codes) are refused with the limit on save.
const COUNT_FROM = 100;
const ANNOUNCE_AFTER_MS = 1000;

// A refused form's error summary takes the focus, so that its problems are read first
// and each link is one Tab away (templates/partials/error_summary.html).
function focusErrorSummary(root) {
  const selector = "[data-error-summary]";
  const summary = root.matches?.(selector) ? root : root.querySelector(selector);
  if (!summary) return;
  if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
  summary.focus();
}

// A summary link moves the focus to its field and shows the field's label (or the
// legend of a group of radios or boxes) above it, as GOV.UK's summary does.
function followErrorLink(event) {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  let caption = null;
  if (field.type === "radio" || field.type === "checkbox") {
    caption = field.closest("fieldset")?.querySelector("legend") ?? null;
  }
  caption ??= field.labels?.[0] ?? field;
  caption.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
  history.replaceState(null, "", link.hash);
}

function describeBy(field, id) {
  const described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!described.includes(id)) field.setAttribute("aria-describedby", [...described, id].join(" "));
}

// A field in error is described by its message even when it has other descriptions
// (Django links the message only to a field that has none).
function describeErrors(root) {
  root.querySelectorAll(".is-invalid[id]").forEach((field) => {
    if (field.type === "radio" || field.type === "checkbox") return; // the fieldset is
    if (document.getElementById(`${field.id}_error`)) describeBy(field, `${field.id}_error`);
  });
}

function countText(length, limit) {
  const count = `${length.toLocaleString()} of ${limit.toLocaleString()} characters`;
  return length > limit ? `${count}: ${(length - limit).toLocaleString()} too many` : count;
}

// "n of 144 characters" under a field with a limit (data-max-chars from the form, or
// maxlength in a hand-written form). The visible count follows every keystroke and is
// the field's description; a polite live region says it once the typing pauses. It shows
// while the field is in use or holds text, so a list of quick forms is not strewn with
// "0 of 1,000 characters" (a screen reader hears it as the description all the same).
function addCharacterCount(field) {
  if (field.dataset.charCount || !field.id) return;
  const limit = Number(field.dataset.maxChars || field.getAttribute("maxlength"));
  if (!limit || (field.tagName !== "TEXTAREA" && limit < COUNT_FROM)) return;
  field.dataset.charCount = "on";
  const count = document.createElement("div");
  count.id = `${field.id}-count`;
  count.className = "form-text char-count";
  const spoken = document.createElement("div");
  spoken.className = "visually-hidden";
  spoken.setAttribute("aria-live", "polite");
  spoken.id = `${field.id}-count-spoken`;
  // Below the field's error message, if it has one, so the message stays next to the field.
  const error = document.getElementById(`${field.id}_error`);
  (error && error.parentElement === field.parentElement ? error : field).after(count, spoken);
  describeBy(field, count.id);
  let timer = null;
  const show = () => { count.hidden = !field.value && document.activeElement !== field; };
  const update = (announce) => {
    const text = countText(field.value.length, limit);
    count.textContent = text;
    count.classList.toggle("over", field.value.length > limit);
    show();
    clearTimeout(timer);
    if (announce) timer = setTimeout(() => { spoken.textContent = text; }, ANNOUNCE_AFTER_MS);
  };
  field.addEventListener("input", () => update(true));
  field.addEventListener("focus", show);
  field.addEventListener("blur", show);
  update(false);
}

function addCharacterCounts(root) {
  const selector = "textarea, input[data-max-chars], input[maxlength]";
  const fields = [...(root.matches?.(selector) ? [root] : []), ...root.querySelectorAll(selector)];
  fields.forEach((field) => {
    if (field.type === "search" || field.type === "hidden" || field.type === "password") return;
    if (field.closest("form[role='search'], [data-no-char-count]")) return;
    addCharacterCount(field);
  });
}

function enhance(root) {
  // Filters submit themselves when a select changes; the search box waits for Enter.
  root.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    if (select.dataset.autosubmit) return;
    select.dataset.autosubmit = "on";
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  describeErrors(root);
  addCharacterCounts(root);
}

document.addEventListener("DOMContentLoaded", () => {
  enhance(document);
  focusErrorSummary(document);
  document.addEventListener("click", followErrorLink);
  // A form answered by htmx (a refused booking, say) brings its own summary and fields.
  document.body.addEventListener("htmx:load", (event) => {
    const root = event.detail?.elt;
    if (!root || root === document.body) return;
    enhance(root);
    focusErrorSummary(root);
  });
});
