// casemgmt: behaviour that must not live inline (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Filters submit themselves when a select changes; the search box waits for Enter.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});
