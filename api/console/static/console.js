// Small enhancements; every form works without them.
"use strict";
document.addEventListener("change", (e) => {
  // A filter that says so submits its form when a value is picked.
  const form = e.target.closest("form[data-autosubmit]");
  if (form) form.requestSubmit();
});
