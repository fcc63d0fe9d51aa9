// casemgmt: a <select data-combobox> becomes an editable combobox with a listbox popup
// (WAI-ARIA 1.2 combobox pattern, list autocomplete): type a code or part of a title, move
// with the arrow keys, Enter chooses (and never submits the form), Escape closes the list.
//
// The <select> stays in the form and carries the value; without this script it is the
// picker. The options are the select's own, filtered here: no request is made while typing,
// so no late answer can replace the list, and only the user's own choice changes the value.
(() => {
  "use strict";

  const isCode = (term) => /^\d+$/.test(term);

  function readOptions(select, baseId) {
    return Array.from(select.options)
      .filter((option) => option.value !== "")
      .map((option, index) => {
        const label = option.dataset.label || option.text;
        return {
          value: option.value,
          label,
          code: (option.dataset.code || "").toLowerCase(),
          words: ` ${label.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ")}`,
          reason: option.dataset.reason || "",
          id: `${baseId}-option-${index}`,
        };
      });
  }

  // A number matches the start of a code; any other word, the start of a word of the title
  // ("search" finds Job Search, not Research). Codes that start with the number come first.
  function filter(options, text) {
    const terms = text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    if (!terms.length) return options;
    const found = options.filter((option) =>
      terms.every((term) =>
        isCode(term) ? option.code.startsWith(term) : option.words.includes(` ${term}`),
      ),
    );
    const first = terms[0];
    const byCode = (option) => (option.code.startsWith(first) ? 0 : 1);
    return found
      .map((option, index) => [byCode(option), index, option])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map((entry) => entry[2]);
  }

  function make(tag, attributes, text) {
    const element = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
    if (text) element.textContent = text;
    return element;
  }

  function enhance(select) {
    const baseId = select.id;
    const label = document.querySelector(`label[for="${baseId}"]`);
    const options = readOptions(select, baseId);
    const byValue = new Map(options.map((option) => [option.value, option]));

    const input = make("input", {
      type: "text",
      id: baseId,
      class: "form-select combobox-input",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": `${baseId}-listbox`,
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      placeholder: "Type a code or part of a title, e.g. 205 or workshop",
    });
    const listbox = make("ul", {
      id: `${baseId}-listbox`,
      role: "listbox",
      class: "combobox-listbox",
      tabindex: "-1",
    });
    listbox.hidden = true;
    const hint = make(
      "div",
      { id: `${baseId}-hint`, class: "form-text mt-1" },
      "Type a code or part of the title; ↓ and ↑ move through the list, Enter chooses, Escape closes it.",
    );
    const status = make("div", {
      id: `${baseId}-status`,
      class: "combobox-status visually-hidden",
      role: "status",
    });
    const note = make("div", { id: `${baseId}-note`, class: "combobox-note" });
    note.hidden = true;

    // The select keeps its name and value but leaves the page's reading order; the
    // combobox takes its id, so the label and any link to the field reach the combobox.
    select.id = `${baseId}-select`;
    select.hidden = true;
    if (select.classList.contains("is-invalid")) {
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
    }
    if (select.required) input.setAttribute("aria-required", "true");
    // Described by its error first, then the note on the chosen activity, help and hint.
    const described = (select.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    const isError = (id) => id.endsWith("_error");
    input.setAttribute(
      "aria-describedby",
      [
        ...described.filter(isError),
        `${baseId}-note`,
        ...described.filter((id) => !isError(id)),
        `${baseId}-hint`,
      ].join(" "),
    );
    if (label) {
      label.id = label.id || `${baseId}-label`;
      listbox.setAttribute("aria-labelledby", label.id);
    }

    const hadFocus = document.activeElement === select;
    const wrapper = make("div", { class: "combobox" });
    wrapper.append(input, listbox);
    select.before(wrapper);
    if (hadFocus) input.focus();
    wrapper.after(status);
    // The field's error message stays next to it; the note follows, the hint the help text.
    const sibling = (id) => {
      const element = document.getElementById(id);
      return element && element.parentElement === select.parentElement ? element : null;
    };
    (sibling(`${baseId}_error`) || select).after(note);
    (sibling(`${baseId}_helptext`) || note).after(hint);

    let shown = [];
    let active = -1;
    let statusTimer = 0;

    const chosen = () => byValue.get(select.value) || null;

    function showNote() {
      const option = chosen();
      const reason = option ? option.reason : "";
      note.replaceChildren();
      if (reason) note.append(make("span", { "aria-hidden": "true" }, "⚠ "), reason);
      note.hidden = !reason;
    }

    function announce(text, visible) {
      // The count waits for a pause in typing; it only ever touches this message.
      window.clearTimeout(statusTimer);
      status.classList.toggle("visually-hidden", !visible);
      statusTimer = window.setTimeout(() => {
        status.textContent = text;
      }, visible ? 0 : 500);
    }

    function render(list) {
      shown = list;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      const current = select.value;
      listbox.replaceChildren(
        ...list.map((option) => {
          const item = make("li", {
            id: option.id,
            role: "option",
            class: "combobox-option",
            "aria-selected": "false",
            "data-value": option.value,
          });
          if (option.value === current) item.classList.add("is-chosen");
          item.append(make("span", { class: "combobox-label" }, option.label));
          if (option.reason) {
            item.append(" ");
            const reason = make("span", { class: "combobox-reason" });
            reason.append(make("span", { "aria-hidden": "true" }, "⚠ "), option.reason);
            item.append(reason);
            item.classList.add("is-refused");
          }
          return item;
        }),
      );
    }

    function open() {
      if (!shown.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const items = listbox.children;
      if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
      active = index;
      const item = items[index];
      if (!item) return;
      item.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    }

    // The list for the text as it stands: everything while the box shows the choice.
    function listFor(text) {
      const option = chosen();
      return !text.trim() || (option && text === option.label) ? options : filter(options, text);
    }

    function choose(option) {
      const changed = select.value !== option.value;
      select.value = option.value;
      input.value = option.label;
      close();
      showNote();
      if (changed) select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function clearChoice() {
      const changed = select.value !== "";
      select.value = "";
      input.value = "";
      showNote();
      if (changed) select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function exactCode(text) {
      const code = text.trim().toLowerCase();
      return code ? options.find((option) => option.code === code) : undefined;
    }

    // Leaving the box: an emptied box clears the choice, a typed code chooses its activity,
    // anything else shows the choice again. Nothing but the user changes the value.
    function settle() {
      close();
      const text = input.value;
      if (!text.trim()) {
        clearChoice();
        return;
      }
      const option = chosen();
      if (option && text === option.label) return;
      const typed = exactCode(text);
      if (typed) choose(typed);
      else input.value = option ? option.label : "";
    }

    function sync() {
      const option = chosen();
      input.value = option ? option.label : "";
      showNote();
    }

    input.addEventListener("input", () => {
      render(listFor(input.value));
      if (shown.length) {
        open();
        announce(`${shown.length} ${shown.length === 1 ? "activity matches" : "activities match"}.`, false);
      } else {
        close();
        announce(
          `No activity of the customer's programs matches “${input.value.trim()}”. Try a code such as 205 or a word of the title.`,
          true,
        );
      }
    });

    input.addEventListener("keydown", (event) => {
      const isOpen = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp": {
          event.preventDefault();
          const down = event.key === "ArrowDown";
          if (!isOpen) {
            render(listFor(input.value));
            open();
            if (event.altKey || !shown.length) return;
            const at = shown.indexOf(chosen());
            highlight(at >= 0 ? at : down ? 0 : shown.length - 1);
            return;
          }
          if (event.altKey && !down) {
            if (active >= 0) choose(shown[active]);
            else close();
            return;
          }
          const last = shown.length - 1;
          if (active < 0) highlight(down ? 0 : last);
          else if (down) highlight(active >= last ? 0 : active + 1);
          else highlight(active <= 0 ? last : active - 1);
          return;
        }
        case "Enter": {
          // Enter chooses; it never submits the form from here.
          event.preventDefault();
          if (isOpen && active >= 0) {
            choose(shown[active]);
            return;
          }
          const typed = exactCode(input.value);
          if (typed) choose(typed);
          else if (isOpen && shown.length === 1) choose(shown[0]);
          else if (!isOpen) {
            render(listFor(input.value));
            open();
          }
          return;
        }
        case "Escape":
          if (isOpen) {
            event.preventDefault();
            close();
          } else if (chosen() && input.value !== chosen().label) {
            event.preventDefault();
            sync();
          }
          return;
        case "Tab":
          close();
          return;
        default:
      }
    });

    input.addEventListener("click", () => {
      if (listbox.hidden) {
        render(listFor(input.value));
        open();
      } else {
        close();
      }
    });

    input.addEventListener("blur", (event) => {
      if (event.relatedTarget && listbox.contains(event.relatedTarget)) return;
      settle();
    });

    // Keep the focus in the box while an option is clicked.
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const item = event.target.closest("[role=option]");
      if (!item) return;
      const option = byValue.get(item.dataset.value);
      if (option) choose(option);
      input.focus();
    });

    document.addEventListener("click", (event) => {
      if (!wrapper.contains(event.target)) close();
    });
    // The browser may restore the select's value (back button, form reset): show it.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) sync();
    });
    if (select.form) select.form.addEventListener("reset", () => window.setTimeout(sync, 0));

    // A refused choice has the server's message already: the note would repeat it.
    const option = chosen();
    input.value = option ? option.label : "";
    if (!select.classList.contains("is-invalid")) showNote();
  }

  function start() {
    document.querySelectorAll("select[data-combobox]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
