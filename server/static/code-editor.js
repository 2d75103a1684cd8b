// Deluge code editor: a transparent <textarea> over a syntax-highlighted <pre>,
// with a line-number gutter, inline compile diagnostics and line highlighting.
//
// Markup (rendered by the server, so the plain textarea still works without
// JavaScript):
//   <div class="code-editor" data-code-editor>
//     <div class="code-gutter"></div>
//     <div class="code-area"><pre><code></code></pre><textarea>...</textarea></div>
//   </div>
// The script then adds the class "enhanced", which makes the textarea's text
// transparent so that only the highlighted copy shows through.
"use strict";

(function () {
  const KEYWORDS = new Set([
    "if", "else", "for", "each", "in", "index", "return", "info", "break",
    "continue", "try", "catch", "throw", "invokeurl", "sendmail", "ifnull",
    "zoho", "thisapp", "portal", "from", "is", "permissions", "reload",
  ]);
  const TYPES = new Set([
    "string", "int", "bool", "date", "float", "list", "map", "void",
    "collection", "text", "number", "decimal", "boolean", "datetime",
  ]);
  const CONSTANTS = new Set(["true", "false", "null"]);

  const TOKEN_PATTERNS = [
    ["comment", /\/\/[^\n]*/y],
    ["comment", /\/\*[\s\S]*?(?:\*\/|$)/y],
    ["string", /"(?:[^"\\]|\\[\s\S])*(?:"|$)/y],
    ["date", /'(?:[^'\\\n]|\\.)*(?:'|$)/y],
    ["number", /(?:\d+\.\d*|\.\d+|\d+)/y],
    ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
    ["space", /\s+/y],
    ["operator", /[-+*/%=!<>&|]+/y],
  ];

  // Split Deluge text into [kind, text] tokens; every character belongs to one.
  function tokenize(text) {
    const tokens = [];
    let position = 0;
    while (position < text.length) {
      let matched = false;
      for (const [kind, pattern] of TOKEN_PATTERNS) {
        pattern.lastIndex = position;
        const match = pattern.exec(text);
        if (match && match[0].length > 0) {
          tokens.push([classifyToken(kind, match[0], text, pattern.lastIndex),
            match[0]]);
          position = pattern.lastIndex;
          matched = true;
          break;
        }
      }
      if (!matched) {
        tokens.push(["punctuation", text[position]]);
        position += 1;
      }
    }
    return tokens;
  }

  function classifyToken(kind, word, text, end) {
    if (kind !== "word") {
      return kind;
    }
    const lower = word.toLowerCase();
    if (CONSTANTS.has(lower)) {
      return "constant";
    }
    if (KEYWORDS.has(lower)) {
      return "keyword";
    }
    if (TYPES.has(lower)) {
      return "type";
    }
    if (/^\s*\(/.test(text.slice(end, end + 40))) {
      return "function";
    }
    return "identifier";
  }

  function escapeHtml(text) {
    return text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  // Render tokens as one HTML string per line. A token that spans lines, such as
  // a block comment, is closed at each line end and reopened on the next line.
  function highlightLines(text) {
    const lines = [""];
    for (const [kind, tokenText] of tokenize(text)) {
      const parts = tokenText.split("\n");
      parts.forEach((part, index) => {
        if (index > 0) {
          lines.push("");
        }
        if (part === "") {
          return;
        }
        const html = escapeHtml(part);
        const plain = kind === "identifier" || kind === "space" ||
          kind === "punctuation";
        lines[lines.length - 1] += plain
          ? html
          : `<span class="tok-${kind}">${html}</span>`;
      });
    }
    return lines;
  }

  class CodeEditor {
    constructor(root) {
      this.root = root;
      this.textarea = root.querySelector("textarea");
      this.pre = root.querySelector("pre");
      this.code = this.pre.querySelector("code");
      this.gutter = root.querySelector(".code-gutter");
      this.diagnostics = [];
      this.linkedLine = null;
      this.listeners = [];
      // Escape releases the Tab key for one press, so that keyboard users can
      // leave the editor; any other key captures it again.
      this.tabMovesFocus = false;
      root.classList.add("enhanced");
      this.textarea.addEventListener("input", () => this.onInput());
      this.textarea.addEventListener("scroll", () => this.syncScroll());
      this.textarea.addEventListener("keydown", (event) => this.onKeyDown(event));
      this.textarea.addEventListener("focus", () => root.classList.add("focused"));
      this.textarea.addEventListener("blur", () => root.classList.remove("focused"));
      for (const name of ["click", "keyup"]) {
        this.textarea.addEventListener(name, () => this.notifyCaret());
      }
      this.render();
    }

    get value() {
      return this.textarea.value;
    }

    onInput() {
      // Diagnostics name lines of the saved text, so after an edit they may point
      // at the wrong line. They leave the editor, and the list below stays.
      if (this.diagnostics.length) {
        this.diagnostics = [];
        this.root.dispatchEvent(new CustomEvent("diagnostics-stale"));
      }
      this.render();
    }

    // Show compile diagnostics: [{line, column, message, severity}].
    setDiagnostics(diagnostics) {
      this.diagnostics = diagnostics.filter((item) => Number.isInteger(item.line));
      this.render();
    }

    render() {
      const lines = highlightLines(this.textarea.value);
      const messages = new Map();
      for (const item of this.diagnostics) {
        const list = messages.get(item.line) || [];
        list.push(item);
        messages.set(item.line, list);
      }
      const htmlLines = [];
      const gutterLines = [];
      lines.forEach((html, index) => {
        const number = index + 1;
        const classes = ["code-line"];
        let annotation = "";
        const lineMessages = messages.get(number);
        const severity = lineMessages &&
          lineMessages.some((item) => item.severity !== "warning") ? "error" : "warning";
        if (lineMessages) {
          classes.push(severity);
          const text = lineMessages
            .map((item) => `column ${item.column}: ${item.message}`)
            .join("; ");
          annotation = `<span class="inline-error">\u2190 ${escapeHtml(text)}</span>`;
        }
        if (number === this.linkedLine) {
          classes.push("linked");
        }
        htmlLines.push(
          `<span class="${classes.join(" ")}" data-line="${number}">` +
          `${html}${annotation}</span>`);
        let gutterClass = lineMessages ? severity : "";
        if (number === this.linkedLine) {
          gutterClass = "linked";
        }
        gutterLines.push(`<div class="${gutterClass}">${number}</div>`);
      });
      this.code.innerHTML = htmlLines.join("");
      this.gutter.innerHTML = gutterLines.join("");
      this.syncScroll();
    }

    syncScroll() {
      this.pre.scrollTop = this.textarea.scrollTop;
      this.pre.scrollLeft = this.textarea.scrollLeft;
      this.gutter.scrollTop = this.textarea.scrollTop;
    }

    lineStart(line) {
      const lines = this.textarea.value.split("\n");
      let offset = 0;
      for (let index = 0; index < line - 1 && index < lines.length; index += 1) {
        offset += lines[index].length + 1;
      }
      return offset;
    }

    caretLine() {
      const before = this.textarea.value.slice(0, this.textarea.selectionStart);
      return before.split("\n").length;
    }

    // Mark one line (for example the Deluge line of a Python statement), put the
    // caret at its start and scroll it into view.
    highlightLine(line) {
      this.linkedLine = line;
      this.render();
      const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight);
      const target = (line - 1) * lineHeight;
      const view = this.textarea.clientHeight;
      if (target < this.textarea.scrollTop ||
          target > this.textarea.scrollTop + view - 2 * lineHeight) {
        this.textarea.scrollTop = Math.max(0, target - view / 3);
      }
      const start = this.lineStart(line);
      this.textarea.setSelectionRange(start, start);
      this.syncScroll();
    }

    goToLine(line, column) {
      const start = this.lineStart(line) + Math.max(0, (column || 1) - 1);
      this.textarea.focus();
      this.textarea.setSelectionRange(start, start);
      this.highlightLine(line);
    }

    onCaretLine(listener) {
      this.listeners.push(listener);
    }

    notifyCaret() {
      const line = this.caretLine();
      for (const listener of this.listeners) {
        listener(line);
      }
    }

    insertText(text) {
      // execCommand keeps the browser's undo history; setRangeText is the
      // fallback where it is not supported.
      if (!document.execCommand("insertText", false, text)) {
        this.textarea.setRangeText(text, this.textarea.selectionStart,
          this.textarea.selectionEnd, "end");
        this.onInput();
      }
    }

    onKeyDown(event) {
      if (event.key === "Escape") {
        this.tabMovesFocus = true;
        return;
      }
      const released = this.tabMovesFocus;
      this.tabMovesFocus = false;
      if (event.key === "Tab" && released) {
        return;
      }
      if (event.key === "Tab" && !event.ctrlKey && !event.altKey &&
          !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        this.insertText("    ");
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        const value = this.textarea.value;
        const start = value.lastIndexOf("\n", this.textarea.selectionStart - 1) + 1;
        const indent = /^[ \t]*/.exec(value.slice(start))[0];
        const before = value.slice(start, this.textarea.selectionStart);
        const extra = /\{\s*$/.test(before) ? "    " : "";
        event.preventDefault();
        this.insertText("\n" + indent + extra);
      } else if (event.key === "s" && (event.ctrlKey || event.metaKey)) {
        const form = this.textarea.form;
        const save = form && form.querySelector("button[value='save']");
        if (save) {
          event.preventDefault();
          save.click();
        }
      }
    }
  }

  window.DelugeEditor = { CodeEditor, tokenize, highlightLines };
})();
