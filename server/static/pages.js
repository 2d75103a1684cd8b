// Behaviour of the administrators' pages. Every page also works without this
// script: forms post to the server, and a delete without the confirmation of
// this script's dialog gets a confirmation page from the server.
"use strict";

document.documentElement.classList.add("js");

function setUpAutosubmit() {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
}

// Ask before a form with data-confirm is sent. On "confirm" the form is sent
// with confirmed=1, which the server reads as the confirmation.
function setUpConfirmations() {
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog) {
    return;
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirmed === "1") {
        return;
      }
      event.preventDefault();
      document.getElementById("confirm-title").textContent =
        form.dataset.confirmTitle || "Confirm";
      document.getElementById("confirm-text").textContent = form.dataset.confirm;
      document.getElementById("confirm-ok").textContent =
        form.dataset.confirmButton || "Delete";
      dialog.returnValue = "";
      dialog.onclose = () => {
        if (dialog.returnValue !== "confirm") {
          return;
        }
        const field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        field.value = "1";
        form.appendChild(field);
        form.dataset.confirmed = "1";
        form.submit();
      };
      dialog.showModal();
    });
  }
}

function setUpRowSelection() {
  const selectAll = document.getElementById("select-all");
  const button = document.getElementById("delete-selected");
  if (!selectAll || !button) {
    return;
  }
  const boxes = () => Array.from(document.querySelectorAll("input.row-select"));
  const update = () => {
    const checked = boxes().filter((box) => box.checked).length;
    button.disabled = checked === 0;
    button.textContent = checked ? `Delete selected (${checked})` : "Delete selected";
    selectAll.checked = checked > 0 && checked === boxes().length;
    selectAll.indeterminate = checked > 0 && checked < boxes().length;
  };
  selectAll.addEventListener("change", () => {
    for (const box of boxes()) {
      box.checked = selectAll.checked;
    }
    update();
  });
  for (const box of boxes()) {
    box.addEventListener("change", update);
  }
  update();
}

// One open actions menu at a time; a click elsewhere closes it.
function setUpMenus() {
  const menus = Array.from(document.querySelectorAll("details.menu"));
  for (const menu of menus) {
    menu.addEventListener("toggle", () => {
      if (menu.open) {
        for (const other of menus) {
          if (other !== menu) {
            other.open = false;
          }
        }
      }
    });
  }
  document.addEventListener("click", (event) => {
    for (const menu of menus) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    }
  });
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll("button[data-copy-target]")) {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copyTarget);
      const status = document.getElementById("copy-status");
      let copied = false;
      try {
        await navigator.clipboard.writeText(field.value);
        copied = true;
      } catch (error) {
        // The Clipboard API needs a secure context (https or localhost); the
        // older selection-based copy works on plain http as well.
        field.select();
        copied = document.execCommand("copy");
      }
      if (status) {
        status.textContent = copied
          ? "Copied the URL to the clipboard."
          : "Copying failed: select the URL and copy it by hand.";
      }
    });
  }
}

function placeholderFor(type) {
  return {
    map: '{"key": "value"}',
    list: '["a", "b"]',
    int: "0",
    float: "0.0",
    bool: "true",
    date: "01-Jan-2025 00:00:00",
    string: "text",
  }[type] || "";
}

// Parameters: Add and Remove rows, at most data-max of them, and keep the
// arguments of the test run in step with the parameter names and types.
function setUpParameters() {
  const table = document.getElementById("params");
  if (!table) {
    return;
  }
  const body = table.tBodies[0];
  const template = document.getElementById("param-row-template");
  const addButton = document.getElementById("add-param");
  const limitNote = document.getElementById("param-limit");
  const count = document.getElementById("param-count");
  const argumentsBox = document.getElementById("arguments");
  const noArguments = document.getElementById("no-arguments");
  const max = Number(table.dataset.max);

  const rebuildArguments = () => {
    const previous = new Map();
    for (const input of argumentsBox.querySelectorAll("input")) {
      previous.set(input.name, input.value);
    }
    argumentsBox.replaceChildren();
    let index = 0;
    for (const row of body.rows) {
      const name = row.querySelector("input[name=param_name]").value.trim();
      const type = row.querySelector("select[name=param_type]").value;
      if (!name) {
        continue;
      }
      index += 1;
      const field = document.createElement("div");
      field.className = "field argument";
      const label = document.createElement("label");
      label.htmlFor = `arg-${index}`;
      label.textContent = `${name} `;
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = type;
      label.appendChild(hint);
      const input = document.createElement("input");
      input.type = "text";
      input.id = `arg-${index}`;
      input.name = `arg:${name}`;
      input.dataset.type = type;
      input.placeholder = placeholderFor(type);
      input.value = previous.get(input.name) || "";
      field.append(label, input);
      argumentsBox.appendChild(field);
    }
    noArguments.hidden = index > 0;
  };

  const update = () => {
    const rows = body.rows.length;
    addButton.disabled = rows >= max;
    limitNote.hidden = rows < max;
    count.textContent = `${rows} of ${max}`;
    rebuildArguments();
  };

  const wireRow = (row) => {
    row.querySelector(".remove-param").addEventListener("click", () => {
      row.remove();
      update();
    });
    row.querySelector("input").addEventListener("change", update);
    row.querySelector("select").addEventListener("change", update);
    // A checkbox is sent only when checked, so a hidden field per row carries
    // the flag and keeps the rows' fields aligned.
    const secret = row.querySelector("input.param-secret");
    if (secret) {
      secret.addEventListener("change", () => {
        row.querySelector("input[name=param_secret]").value = secret.checked ? "1" : "";
      });
    }
  };

  for (const row of body.rows) {
    wireRow(row);
  }
  for (const input of argumentsBox.querySelectorAll("input")) {
    input.placeholder = placeholderFor(input.dataset.type);
  }
  addButton.addEventListener("click", () => {
    if (body.rows.length >= max) {
      return;
    }
    const row = template.content.firstElementChild.cloneNode(true);
    body.appendChild(row);
    wireRow(row);
    update();
    row.querySelector("input").focus();
  });
  addButton.disabled = body.rows.length >= max;
}

function setUpCodeEditor() {
  const root = document.querySelector("[data-code-editor]");
  if (!root || !window.DelugeEditor) {
    return;
  }
  const editor = new window.DelugeEditor.CodeEditor(root);
  window.delugeEditor = editor;
  const data = document.getElementById("diagnostics-data");
  if (data) {
    editor.setDiagnostics(JSON.parse(data.textContent));
  }
  for (const button of document.querySelectorAll("button.goto-line")) {
    button.addEventListener("click", () => {
      editor.goToLine(Number(button.dataset.line), Number(button.dataset.column));
    });
  }

  const pythonLines = Array.from(
    document.querySelectorAll(".python-line[data-deluge-line]"));
  const markPython = (line) => {
    for (const item of pythonLines) {
      item.classList.toggle("active", Number(item.dataset.delugeLine) === line);
    }
  };
  for (const item of pythonLines) {
    item.addEventListener("click", () => {
      const line = Number(item.dataset.delugeLine);
      editor.highlightLine(line);
      markPython(line);
    });
  }
  editor.onCaretLine(markPython);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpAutosubmit();
  setUpConfirmations();
  setUpRowSelection();
  setUpMenus();
  setUpCopyButtons();
  setUpParameters();
  setUpCodeEditor();
});
