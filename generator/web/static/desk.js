// Progressive enhancement only: every page reads and saves without this file.
"use strict";

// Live checks: the form as it stands is checked on the server (the same checks as
// `dealdocs validate`), and each finding is shown beside the field its path names. A
// finding that appeared while a field was being edited is also shown beside that field:
// a lender's principal can make a closing's total wrong, whose field is elsewhere.
(function liveChecks() {
  const form = document.querySelector("form[data-check]");
  if (!form) return;
  let timer = null, asked = 0, edited = null;
  let before = findings();
  const caused = new Map();  // field name -> keys of the findings its edits brought about
  form.addEventListener("input", (event) => {
    edited = event.target.name ? event.target.name.replace(/^v:/, "") : null;
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  function findings() {
    const found = new Map();
    for (const finding of form.querySelectorAll(".findings .finding")) {
      found.set(finding.dataset.key, finding.outerHTML);
    }
    return found;
  }
  function showCaused(now) {
    for (const box of form.querySelectorAll(".caused")) {
      const keys = [...(caused.get(box.dataset.for) || [])].filter((key) => now.has(key));
      const html = keys.length ? "<p class=\"because\">Since this change:</p>" +
        keys.map((key) => now.get(key)).join("") : "";
      if (box.innerHTML !== html) box.innerHTML = html;
    }
  }
  async function check() {
    const field = edited;
    const mine = ++asked;
    const data = new FormData(form);
    data.delete("op");
    const response = await fetch(form.dataset.check, {method: "POST", body: data});
    if (mine !== asked || !response.ok) return;  // a newer check is on its way
    const result = await response.json();
    for (const box of form.querySelectorAll(".findings")) {
      const html = result.findings[box.dataset.for] || "";
      if (box.innerHTML !== html) box.innerHTML = html;
    }
    document.getElementById("summary").innerHTML = result.summary;
    const now = findings();
    if (field) {
      const keys = caused.get(field) || new Set();
      for (const key of now.keys()) if (!before.has(key)) keys.add(key);
      caused.set(field, keys);
    }
    before = now;
    showCaused(now);
    form.dataset.checked = String(mine);
  }
})();

// A build's progress, streamed by the server as it writes each file.
(function buildProgress() {
  const job = document.getElementById("job");
  if (!job || job.dataset.finished === "yes") return;
  const bar = document.getElementById("progress"), text = document.getElementById("progress-text");
  const events = new EventSource(job.dataset.events);
  events.onmessage = (event) => {
    const {done, total} = JSON.parse(event.data);
    if (total) { bar.max = total; bar.value = done; text.textContent = `${done} of ${total} files`; }
  };
  events.addEventListener("done", () => { events.close(); location.reload(); });
})();
