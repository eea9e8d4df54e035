// Progressive enhancement only: every page reads and saves without this file.
"use strict";

// Live checks: the form as it stands is checked on the server (the same checks as
// `dealdocs validate`), and each finding is shown beside the field its path names.
(function liveChecks() {
  const form = document.querySelector("form[data-check]");
  if (!form) return;
  let timer = null, asked = 0;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  async function check() {
    const mine = ++asked;
    const data = new FormData(form);
    data.delete("op");
    const response = await fetch(form.dataset.check, {method: "POST", body: data});
    if (mine !== asked || !response.ok) return;  // a newer check is on its way
    const result = await response.json();
    for (const box of form.querySelectorAll(".findings")) {
      const html = result.findings[box.dataset.for || "_"] || "";
      if (box.innerHTML !== html) box.innerHTML = html;
    }
    document.getElementById("summary").innerHTML = result.summary;
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
