// reportgen 工作台：表单的增删条目、边填边检查，以及预览中逐句查看依据。
// Served from the package; no framework, no network beyond this server.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// ---------------------------------------------------------------- list items

function renumber(list) {
  const items = list.querySelector(":scope > .itemlist").children;
  Array.from(items).forEach((item, i) => {
    const num = item.querySelector(":scope > .itemhead > .num");
    if (num) num.textContent = (list.dataset.unit || "条目") + " " + (i + 1);
  });
}

function addItem(list) {
  const depth = list.dataset.depth;
  const next = Number(list.dataset.next || 0);
  list.dataset.next = String(next + 1);
  const template = list.querySelector(":scope > template");
  // Only this list's placeholder is numbered; nested lists keep theirs until they add an item.
  const html = template.innerHTML.split("__N" + depth + "__").join(String(next));
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const item = holder.firstElementChild;
  list.querySelector(":scope > .itemlist").appendChild(item);
  renumber(list);
  const first = item.querySelector("input, select, textarea");
  if (first) first.focus();
  scheduleCheck();
}

document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  if (add) {
    addItem(add.closest("fieldset[data-list]"));
    return;
  }
  const remove = event.target.closest("[data-remove]");
  if (remove) {
    const item = remove.closest(".item");
    const list = item.closest("fieldset[data-list]");
    item.remove();
    renumber(list);
    scheduleCheck();
  }
});

// ---------------------------------------------------------------- live check

let timer = null;
let sequence = 0;

function scheduleCheck() {
  const form = document.getElementById("report-form");
  if (!form) return;
  clearTimeout(timer);
  timer = setTimeout(() => runCheck(form), 500);
}

function fieldBox(name) {
  const boxes = document.querySelectorAll("[data-field]");
  for (const box of boxes) if (box.dataset.field === name) return box;
  // A message about a whole item or group goes to its first input.
  for (const box of boxes) {
    const f = box.dataset.field;
    if (f.startsWith(name + ".") || f.startsWith(name + "[")) return box;
  }
  return null;
}

function showFindings(findings) {
  document.querySelectorAll("[data-field]").forEach((box) => {
    box.classList.remove("has-error");
    const msg = box.querySelector(".msg");
    if (msg && box.dataset.field !== "filename") msg.textContent = "";
  });
  const general = document.getElementById("general");
  general.textContent = "";
  let errors = 0, warnings = 0;
  for (const f of findings) {
    const isError = f.severity === "error";
    if (isError) errors++; else warnings++;
    const span = document.createElement("span");
    span.className = isError ? "err" : "warn";
    span.textContent = (isError ? "" : "提示：") + f.message;
    const box = f.field ? fieldBox(f.field) : null;
    if (box) {
      if (isError) box.classList.add("has-error");
      box.querySelector(".msg").appendChild(span);
      const details = box.closest("details");
      if (details && isError) details.open = true;
    } else {
      const p = document.createElement("p");
      p.className = span.className;
      p.textContent = (f.path ? f.path + "：" : "") + span.textContent;
      general.appendChild(p);
    }
  }
  const state = document.getElementById("checkstate");
  state.textContent = "";
  const main = document.createElement("span");
  main.className = errors ? "bad" : "ok";
  main.textContent = errors ? errors + " 处问题" : "✓ 检查通过";
  state.appendChild(main);
  if (warnings) {
    const w = document.createElement("span");
    w.className = "warn";
    w.textContent = " " + warnings + " 条提示";
    state.appendChild(w);
  }
}

async function runCheck(form) {
  const mine = ++sequence;
  const body = new FormData(form);
  try {
    const response = await fetch(form.dataset.check, {
      method: "POST", body, headers: { "X-CSRF-Token": csrfToken() }, credentials: "same-origin",
    });
    if (!response.ok || mine !== sequence) return;
    const result = await response.json();
    if (mine === sequence) showFindings(result.findings);
  } catch (e) {
    // The server was stopped: the page keeps working as a plain form.
  }
}

document.addEventListener("input", (event) => {
  if (event.target.closest("#report-form")) scheduleCheck();
});
document.addEventListener("change", (event) => {
  if (event.target.closest("#report-form")) scheduleCheck();
});

// ---------------------------------------------------------------- preview evidence

function showEvidence(sentence) {
  document.querySelectorAll(".s.selected").forEach((s) => s.classList.remove("selected"));
  sentence.classList.add("selected");
  const source = document.getElementById(sentence.dataset.ev);
  const body = document.getElementById("evidence-body");
  if (source && body) body.innerHTML = source.innerHTML;
}

document.addEventListener("click", (event) => {
  const sentence = event.target.closest("#paper .s");
  if (sentence) showEvidence(sentence);
});
document.addEventListener("keydown", (event) => {
  const sentence = event.target.closest && event.target.closest("#paper .s");
  if (sentence && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    showEvidence(sentence);
  }
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("fieldset[data-list]").forEach(renumber);
  // Opened from the 检查 page at a field: show it even when it sits under 更多.
  const target = location.hash.startsWith("#f:") ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (target) {
    const details = target.closest("details");
    if (details) details.open = true;
    target.scrollIntoView({ block: "center" });
    target.focus();
  }
});
