// Behaviour shared by every page. Loaded as a file because the Content
// Security Policy allows no inline scripts.
(function () {
  "use strict";

  // Buttons that ask before acting: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // "Select all" checkboxes: <input data-select-all="name-of-boxes">.
  document.addEventListener("change", function (event) {
    var name = event.target.dataset && event.target.dataset.selectAll;
    if (!name) {
      return;
    }
    document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
      if (!box.disabled) {
        box.checked = event.target.checked;
      }
    });
  });
})();
