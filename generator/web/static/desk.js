// Progressive enhancement only: every page reads and saves without this file.
"use strict";

// Live checks: the form as it stands is checked on the server (the same checks as
// `dealdocs validate`), and each finding is shown beside the field its path names. A
// finding that appeared while a field was being edited is also shown beside that field:
// a lender's principal can make a closing's total wrong, whose field is elsewhere. Only
// what changed is announced, politely.
(function liveChecks() {
  const form = document.querySelector("form[data-check]");
  if (!form) return;
  let timer = null, asked = 0, edited = null;
  let before = findings();
  const caused = new Map();  // field name -> keys of the findings its edits brought about
  const announce = document.getElementById("announce");
  form.addEventListener("input", (event) => {
    edited = event.target.name ? event.target.name.replace(/^v:/, "") : null;
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  function findings() {
    const found = new Map();
    for (const finding of form.querySelectorAll(".findings .finding")) {
      found.set(finding.dataset.key, finding);
    }
    return found;
  }
  // A link to where the finding stands, which may be another step of the interview.
  function goTo(finding) {
    const box = finding.closest(".findings");
    const place = box.closest("[data-where]");
    if (!place) return "";
    const link = document.createElement("a");
    link.className = "goto";
    link.href = "#at-" + box.dataset.for;
    link.textContent = `Go to “${place.dataset.where}”`;
    return link.outerHTML;
  }
  function showCaused(now) {
    for (const box of form.querySelectorAll(".caused")) {
      const keys = [...(caused.get(box.dataset.for) || [])].filter((key) => now.has(key));
      const html = keys.length ? "<p class=\"because\">Since this change:</p>" +
        keys.map((key) => now.get(key).outerHTML + goTo(now.get(key))).join("") : "";
      if (box.innerHTML !== html) box.innerHTML = html;
    }
  }
  function markInvalid() {
    for (const box of form.querySelectorAll(".findings")) {
      const field = document.getElementById("f-" + box.dataset.for);
      if (!field) continue;
      if (box.querySelector(".finding.error")) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    }
  }
  function said(finding) {
    return finding.textContent.replace(/\s+/g, " ").trim();
  }
  async function check() {
    const field = edited;
    const mine = ++asked;
    const data = new FormData(form);
    data.delete("op");
    data.delete("action");
    const response = await fetch(form.dataset.check, {method: "POST", body: data});
    if (mine !== asked || !response.ok) return;  // a newer check is on its way
    const result = await response.json();
    for (const box of form.querySelectorAll(".findings")) {
      const html = result.findings[box.dataset.for] || "";
      if (box.innerHTML !== html) box.innerHTML = html;
    }
    document.getElementById("summary-body").innerHTML = result.summary;
    const now = findings();
    const added = [...now.keys()].filter((key) => !before.has(key));
    const gone = [...before.keys()].filter((key) => !now.has(key));
    if (field) {
      const keys = caused.get(field) || new Set();
      for (const key of added) keys.add(key);
      caused.set(field, keys);
    }
    const news = added.map((key) => said(now.get(key)));
    if (gone.length) news.push(`${gone.length} finding${gone.length > 1 ? "s" : ""} resolved.`);
    if (announce && news.length) announce.textContent = news.join(" ");
    before = now;
    showCaused(now);
    markInvalid();
    form.dataset.checked = String(mine);
    form.dispatchEvent(new Event("checked"));
  }
})();

// The interview one step (section) at a time: the list of steps says which is shown
// (aria-current) and which hold findings; Back and Next move between them, the focus to the
// step's heading. The step is in the address (#at-lenders) and posted with the form, so a
// reload, a save, Cancel edits and the browser's Back keep it; a link to a field, or the
// field the server brings into view after an Add or a Move, opens the step that holds it.
(function steps() {
  const form = document.querySelector("form[data-check]");
  const list = document.querySelector("ol.steps");
  if (!form || !list) return;
  const all = [...form.querySelectorAll("section.step")];
  if (!all.length) return;
  const cancel = document.getElementById("cancel");
  const reload = cancel && cancel.getAttribute("href");
  const links = new Map([...list.querySelectorAll("a")].map((link) => [link.hash.slice(1), link]));
  // On a phone the list folds into one line, "Step 3 of 20: Where the stock trades", which
  // opens it (desk.css); choosing a step folds it again.
  const toggle = list.parentElement.querySelector(".steps-toggle");
  const order = [...links.keys()];
  let shown = null;
  function where() {
    if (!toggle || !shown) return;
    const link = links.get(shown.id);
    const flagged = [...links.values()].filter((each) => each.querySelector(".flag:not([hidden])"));
    toggle.textContent = `Step ${order.indexOf(shown.id) + 1} of ${order.length}: `
      + (link ? link.firstChild.textContent : "")
      + (flagged.length ? ` (${flagged.length} with findings)` : "");
  }
  if (toggle) {
    list.parentElement.classList.add("folding");
    toggle.addEventListener("click", () => toggle.setAttribute(
      "aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true")));
  }
  function stepOf(target) {
    return target && target.closest("section.step");
  }
  function show(step) {
    shown = step;
    for (const each of all) each.hidden = each !== step;
    for (const [id, link] of links) {
      if (id === step.id) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    }
    if (toggle) toggle.setAttribute("aria-expanded", "false");
    where();
    form.elements.step.value = step.id;
    // Not a fragment: from the page a post returned, that would not load the page again.
    if (cancel) cancel.setAttribute("href", reload + "?step=" + step.id);
  }
  function heading(step) {
    return step.querySelector(".step-heading");
  }
  function bring(target) {
    // A field, or the first control of a group (an item added: its first value).
    const control = target.matches("input, select, button") ? target
      : target.querySelector("input:not([type=hidden]), select, button.add");
    target.scrollIntoView({block: "center"});
    if (control) control.focus({preventScroll: true});
  }
  // `how` a step is shown: its heading focused (moving between steps), its first control
  // (the server's focus), or as the browser scrolls to it (a reload). A field is brought to.
  function open(id, how) {
    const target = document.getElementById(id);
    const step = stepOf(target);
    if (!step) return null;
    show(step);
    if (target !== step || how === "control") bring(target);
    else if (how === "heading") {
      step.scrollIntoView({block: "start"});
      heading(step).focus({preventScroll: true});
    }
    return step;
  }
  function flag() {
    for (const step of all) {
      const link = links.get(step.id);
      if (!link) continue;
      const worst = step.querySelector(".findings .finding.error") ? "error"
        : step.querySelector(".findings .finding.warning") ? "warning" : "";
      for (const mark of link.querySelectorAll("[data-flag]")) {
        mark.hidden = mark.dataset.flag !== worst;
      }
    }
    where();
  }
  const hashed = () => decodeURIComponent(location.hash.slice(1));
  for (const buttons of form.querySelectorAll(".step-buttons")) buttons.hidden = false;
  form.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (!go) return;
    history.pushState(null, "", "#" + go.dataset.go);
    open(go.dataset.go, "heading");
  });
  window.addEventListener("hashchange", () => open(hashed(), "heading"));
  form.addEventListener("checked", flag);
  // The page a post returns (or redirects to) has the step posted, which a reload posts
  // again; its address is left as it is, as Chrome drops the focus when it changes on load.
  const opened = (form.dataset.focus && open(form.dataset.focus, "control")) || open(hashed())
    || (form.dataset.step && open(form.dataset.step));
  if (!opened) show(all[0]);
})();

// Reference choices follow the ids typed: a select of lenders (or closings, agreements)
// offers each as the form has it now, named as the server names it (form.py `_named`), and
// a choice follows its item's id when it is renamed.
(function references() {
  const form = document.querySelector("form[data-check]");
  if (!form) return;
  const items = new Set([...form.querySelectorAll("option[data-item]")]
    .map((option) => option.dataset.item));
  function typed(item, key) {
    const el = form.elements[`v:${item}.${key}`];
    return el ? el.value : "";
  }
  function follow() {
    for (const option of form.querySelectorAll("option[data-item]")) {
      const id = typed(option.dataset.item, "id");
      const name = typed(option.dataset.item, "legal_name") || typed(option.dataset.item, "name")
        || typed(option.dataset.item, "title");
      option.value = id;
      option.textContent = name && name !== id ? `${name} (${id})` : id;
    }
    // A value that was not one of the list's ids takes the item that now has it.
    for (const select of form.querySelectorAll("select")) {
      const chosen = select.options[select.selectedIndex];
      if (!chosen || chosen.dataset.item || !chosen.value) continue;
      const listed = [...select.options].find((o) => o.dataset.item && o.value === chosen.value);
      if (listed) { listed.selected = true; chosen.remove(); }
    }
  }
  form.addEventListener("input", (event) => {
    const item = event.target === form ? null : /^v:(.*)\.[^.]+$/.exec(event.target.name || "");
    if (event.target === form || (item && items.has(item[1]))) follow();
  });
})();

// Edits are a draft until saved: leaving the page asks first; the typed values are kept in
// this tab's storage, so that a reload (or a crash) does not lose them; a draft made on an
// older version of the file goes to the server, which offers the values back beside the
// file's.
(function drafts() {
  const form = document.querySelector("form[data-check]");
  if (!form) return;
  const key = "dealdocs:" + form.dataset.sheet;
  const state = document.getElementById("draft-state");
  const cancel = document.getElementById("cancel");
  let dirty = form.dataset.draft === "yes", leaving = false;
  function fields() {
    return [...form.elements].filter((el) => el.name && el.name.startsWith("v:") &&
                                            el.type !== "hidden");
  }
  function value(el) {
    return el.type === "checkbox" ? (el.checked ? "true" : "false") : el.value;
  }
  function changed() {
    return fields().filter((el) => el.type === "checkbox" ? el.checked !== el.defaultChecked
      : el.tagName === "SELECT" ? !el.options[el.selectedIndex].defaultSelected
      : el.value !== el.defaultValue);
  }
  function remember() {
    const edits = changed().map((el) => [el.name, value(el)]);
    dirty = form.dataset.draft === "yes" || edits.length > 0;
    if (dirty) {
      sessionStorage.setItem(key, JSON.stringify({sha256: form.dataset.sha256,
        draft: form.elements.draft.value, edits}));
      cancel.hidden = false;
      state.textContent = "Unsaved edits: Save writes them to the term sheet, Cancel edits drops them.";
    } else {
      sessionStorage.removeItem(key);
    }
  }
  function post(stored, action) {
    const out = document.createElement("form");
    out.method = "post";
    out.action = form.action;
    out.hidden = true;
    const add = (name, value) => {
      const input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value;
      out.appendChild(input);
    };
    add("csrf", form.elements.csrf.value);
    add("sha256", stored.sha256);
    add("draft", stored.draft);
    add("step", form.elements.step.value);
    add("action", action);
    for (const [name, value] of stored.edits) add(name, value);
    document.body.appendChild(out);
    leaving = true;
    out.submit();
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  form.addEventListener("submit", () => { leaving = true; sessionStorage.removeItem(key); });
  cancel.addEventListener("click", () => { leaving = true; sessionStorage.removeItem(key); });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !leaving) { event.preventDefault(); event.returnValue = ""; }
  });
  const saved = new URLSearchParams(location.search).has("saved");
  const stored = JSON.parse(sessionStorage.getItem(key) || "null");
  if (saved) sessionStorage.removeItem(key);
  else if (stored && stored.sha256 !== form.dataset.sha256) {
    state.innerHTML = "";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "See the edits you had not saved";
    button.addEventListener("click", () => post(stored, "save"));
    state.append("The term sheet changed since your unsaved edits. ", button);
  } else if (stored && stored.draft !== form.elements.draft.value) {
    post(stored, "draft");
  } else if (stored) {
    const restore = (choices) => {
      for (const [name, value] of stored.edits) {
        // A control with a hidden input in front of it (a checkbox, an empty date) is the one.
        const el = form.elements[name] instanceof RadioNodeList
          ? [...form.elements[name]].find((e) => e.type !== "hidden") : form.elements[name];
        if (!el || (el.tagName === "SELECT") !== choices) continue;
        if (el.type === "checkbox") el.checked = value === "true"; else el.value = value;
      }
    };
    restore(false);
    form.dispatchEvent(new Event("input"));  // the choices follow the ids restored
    restore(true);
    remember();
    if (stored.edits.length) {
      form.dispatchEvent(new Event("input"));
      state.textContent = "Your unsaved edits were kept: Save writes them, Cancel edits drops them.";
    }
  }
})();

// A build's progress, streamed by the server as it works; when it ends, its result takes
// the bar's place without a reload.
(function buildProgress() {
  const job = document.getElementById("job");
  if (!job || job.dataset.finished === "yes") return;
  const bar = document.getElementById("progress"), text = document.getElementById("progress-text");
  const events = new EventSource(job.dataset.events);
  events.onmessage = (event) => {
    const {stage, done, total} = JSON.parse(event.data);
    if (total) {
      bar.max = total; bar.value = done;
      text.textContent = `${stage}: ${done} of ${total} files`;
    } else {
      bar.removeAttribute("value");
      text.textContent = `${stage}…`;
    }
  };
  events.addEventListener("done", async () => {
    events.close();
    const page = new DOMParser().parseFromString(await (await fetch(location.href)).text(),
                                                 "text/html");
    const finished = page.getElementById("job");
    job.replaceWith(finished);
    const result = document.getElementById("result");
    if (result) result.focus();
  });
})();
