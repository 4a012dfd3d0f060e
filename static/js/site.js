/* Progressive enhancement only: every form works without it. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector("button[type=submit]");
    if (button) { button.classList.add("visually-hidden"); }
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
