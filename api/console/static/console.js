// Small enhancements; every form works without them.
"use strict";

document.addEventListener("change", (e) => {
  // A filter that says so submits its form when a value is picked.
  const form = e.target.closest("form[data-autosubmit]");
  if (form) form.requestSubmit();
});

// A form the API refused comes back with what was typed in it, so that
// only the named fields need mending. Passwords and hidden fields are never
// kept, and what is kept lasts one page load in this tab.
const typedKey = (form) => "console-typed:" + form.getAttribute("action");
const kept = (el) => el.name && el.name !== "csrf" && !["hidden", "password", "submit", "button", "file"].includes(el.type);

document.addEventListener("submit", (e) => {
  const form = e.target;
  if (form.method !== "post") return;
  const typed = [...form.elements].filter(kept).map((el) => [el.name, el.value, el.type === "checkbox" || el.type === "radio" ? el.checked : true]);
  sessionStorage.setItem(typedKey(form), JSON.stringify(typed));
});

document.addEventListener("DOMContentLoaded", () => {
  const refused = document.querySelector(".flash.error");
  for (const form of document.querySelectorAll('form[method="post"]')) {
    const saved = sessionStorage.getItem(typedKey(form));
    sessionStorage.removeItem(typedKey(form));
    if (!refused || !saved) continue;
    const typed = JSON.parse(saved);
    for (const el of [...form.elements].filter(kept)) {
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = typed.some(([name, value, on]) => name === el.name && value === el.value && on);
        continue;
      }
      const i = typed.findIndex(([name]) => name === el.name);
      if (i >= 0) el.value = typed.splice(i, 1)[0][1];
    }
  }
});
