// A guided tour: the arrow keys go to the previous and next step (the links carry the URLs, so
// without this script the tour works the same by clicking). Keys typed into a field, or with a
// modifier held, are left alone; inside the map's frame they walk the map instead.
"use strict";

(function () {
  const KEYS = { ArrowLeft: "step-previous", ArrowRight: "step-next" };
  document.addEventListener("keydown", function (event) {
    if (!(event.key in KEYS) || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const link = document.getElementById(KEYS[event.key]);
    if (!link) return;
    event.preventDefault();
    window.location.href = link.href;
  });
})();
