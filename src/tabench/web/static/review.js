// tabench review: keys and saving for the review page. No framework, nothing from a network.
"use strict";

(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const answers = document.querySelector('[data-role="answers"]');
  const help = document.getElementById("keys");
  let current = null;
  let nextUrl = answers ? answers.dataset.next : null;

  const groups = () => Array.from(document.querySelectorAll('[data-role="group"]'));

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (err) { data = { error: `the server answered ${response.status}` }; }
    if (!response.ok) throw new Error(data.error || `the server answered ${response.status}`);
    return data;
  }

  function select(group, focus = true) {
    if (!group) return;
    if (current) current.classList.remove("current");
    current = group;
    group.classList.add("current");
    if (focus) {
      group.focus({ preventScroll: true });
      group.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    const all = groups();
    const at = all.indexOf(current);
    select(all[Math.min(Math.max(at + step, 0), all.length - 1)]);
  }

  function nextNeedingPerson(after) {
    const all = groups();
    const start = all.indexOf(after);
    const order = all.slice(start + 1).concat(all.slice(0, Math.max(start, 0)));
    return order.find((group) => Number(group.dataset.needs) > 0);
  }

  // ---- the pending grade of a group ----

  const form = (group) => group.querySelector('[data-role="grade"]');
  const field = (group, name) => form(group).elements[name];
  const status = (group, text, bad = false) => {
    const line = group.querySelector('[data-role="status"]');
    line.textContent = text;
    line.classList.toggle("bad", bad);
  };

  function pressVerdict(group, verdict) {
    field(group, "verdict").value = verdict;
    form(group).querySelectorAll("button[data-verdict]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.verdict === verdict));
    });
  }

  function chooseVerdict(group, verdict) {
    form(group).querySelectorAll('input[name="rubric"]').forEach((box) => { box.checked = false; });
    pressVerdict(group, verdict);
    const score = field(group, "score");
    const points = Number(group.dataset.points);
    if (verdict === "correct") score.value = points;
    else if (verdict === "incorrect" || verdict === "missing") score.value = 0;
    else { score.value = ""; score.focus(); } // partial: the person types the score
    group.dataset.dirty = "1";
  }

  function rubricChanged(group) {
    const boxes = Array.from(form(group).querySelectorAll('input[name="rubric"]'));
    const met = boxes.filter((box) => box.checked);
    group.dataset.dirty = "1";
    if (!met.length) { pressVerdict(group, ""); return; }
    // The server scores it again; this only shows what it will be.
    const points = Number(group.dataset.points);
    const credit = boxes.some((box) => Number(box.dataset.points) > 0);
    let score = (credit ? 0 : points) + met.reduce((sum, box) => sum + Number(box.dataset.points), 0);
    score = Math.min(Math.max(score, 0), points);
    field(group, "score").value = Math.round(score * 1e6) / 1e6;
    pressVerdict(group, "");
  }

  function toggleItem(group, number) {
    const box = form(group).querySelectorAll('input[name="rubric"]')[number - 1];
    if (!box) return;
    box.checked = !box.checked;
    rubricChanged(group);
  }

  async function save(group) {
    const f = form(group);
    const met = Array.from(f.querySelectorAll('input[name="rubric"]:checked')).map((box) => box.value);
    const verdict = f.elements.verdict.value;
    if (!verdict && !met.length) {
      if (group.dataset.needs === "0" && !group.dataset.dirty) return true;
      status(group, "choose a verdict first: c, p, i, m or a rubric item", true);
      return false;
    }
    if (!group.dataset.dirty && group.dataset.needs === "0") return true;
    status(group, "saving…");
    try {
      const data = await post("/api/grade", {
        problem_set: answers.dataset.problemSet, part: answers.dataset.part,
        submissions: group.dataset.submissions.split(",").map(Number), number: group.id.slice(1),
        verdict, score: f.elements.score.value, rubric: met,
        comment: f.elements.comment.value, tags: f.elements.tags.value,
      });
      const holder = document.createElement("div");
      holder.innerHTML = data.html; // rendered by the server's autoescaping templates
      const fresh = holder.firstElementChild;
      group.replaceWith(fresh);
      wire(fresh);
      if (current === group) current = fresh;
      select(fresh, false);
      status(fresh, "saved");
      document.querySelectorAll('[data-role="part-needs"]').forEach((node) => { node.textContent = data.part_needs; });
      document.querySelectorAll('[data-role="set-needs"]').forEach((node) => { node.textContent = data.set_needs; });
      nextUrl = data.next_url;
      return true;
    } catch (err) {
      status(group, err.message, true);
      return false;
    }
  }

  async function saveAndGoOn(group) {
    if (!(await save(group))) return;
    const fresh = current;
    const next = nextNeedingPerson(fresh);
    if (next) select(next);
    else if (nextUrl) window.location.assign(nextUrl);
  }

  function wire(group) {
    group.addEventListener("click", () => { if (current !== group) select(group, false); });
    form(group).addEventListener("submit", (event) => { event.preventDefault(); saveAndGoOn(group); });
    form(group).querySelectorAll("button[data-verdict]").forEach((button) => {
      button.addEventListener("click", () => chooseVerdict(group, button.dataset.verdict));
    });
    form(group).querySelectorAll('input[name="rubric"]').forEach((box) => {
      box.addEventListener("change", () => rubricChanged(group));
    });
    ["score", "comment", "tags"].forEach((name) => {
      field(group, name).addEventListener("input", () => {
        group.dataset.dirty = "1";
        if (name === "score" && !field(group, "verdict").value) {
          form(group).querySelectorAll('input[name="rubric"]').forEach((box) => { box.checked = false; });
          pressVerdict(group, "partially_correct");
        }
      });
    });
  }

  // ---- rubric edits ----

  async function editRubric(formNode, item) {
    const line = document.querySelector('[data-role="rubric-status"]');
    try {
      const data = await post("/api/rubric", {
        problem_set: answers.dataset.problemSet, part: answers.dataset.part, item,
        text: formNode.elements.text.value, points: formNode.elements.points.value,
      });
      line.textContent = `saved; ${data.rescored} verdict(s) scored again`;
      window.location.reload();
    } catch (err) {
      line.textContent = err.message;
      line.classList.add("bad");
    }
  }

  document.querySelectorAll('[data-role="rubric-edit"], [data-role="rubric-add"]').forEach((node) => {
    node.addEventListener("submit", (event) => { event.preventDefault(); editRubric(node, node.dataset.item || null); });
  });

  // ---- keys ----

  function toggleHelp() {
    if (help.open) help.close(); else help.showModal();
  }

  document.querySelector('[data-role="help"]').addEventListener("click", toggleHelp);

  const verdictKeys = { c: "correct", p: "partially_correct", i: "incorrect", m: "missing" };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    const typing = target instanceof HTMLInputElement && !["checkbox", "button"].includes(target.type)
      || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
    if (event.key === "Escape") {
      if (typing) { target.blur(); if (current) current.focus({ preventScroll: true }); }
      return;
    }
    if (target.closest && target.closest('[data-role="rubric-edit"], [data-role="rubric-add"]')) return;
    if (help.open) { if (event.key === "?") { event.preventDefault(); toggleHelp(); } return; }
    if (typing && event.key !== "Enter") return;
    if (event.key === "?") { event.preventDefault(); toggleHelp(); return; }
    if (!answers || !current) return;
    const key = event.key;
    if (key === "Enter") { event.preventDefault(); saveAndGoOn(current); }
    else if (key === "j") { event.preventDefault(); move(1); }
    else if (key === "k") { event.preventDefault(); move(-1); }
    else if (key === "e") { event.preventDefault(); field(current, "comment").focus(); }
    else if (verdictKeys[key]) { event.preventDefault(); chooseVerdict(current, verdictKeys[key]); }
    else if (/^[1-9]$/.test(key)) { event.preventDefault(); toggleItem(current, Number(key)); }
  });

  if (answers) {
    groups().forEach(wire);
    const wanted = window.location.hash && document.querySelector(window.location.hash.replace(/[^#\w-]/g, ""));
    select(wanted || nextNeedingPerson(null) || groups()[0]);
  }
  performance.mark("review-ready"); // the keys work from here on (bench/run.py reads this)
})();
