// The selection page: counts the chosen students into the confirmation
// question and asks for a reason only on chosen rows that need one.
(function () {
  "use strict";

  var form = document.querySelector("form[data-selection]");
  if (!form) {
    return;
  }
  var counter = form.querySelector("[data-selected-count]");
  var button = form.querySelector("button[data-confirm-template]");

  function update() {
    var boxes = form.querySelectorAll('input[name="students"]');
    var chosen = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        chosen += 1;
      }
      var reasonId = box.dataset.needsReason;
      var reason = reasonId && document.getElementById(reasonId);
      if (reason) {
        reason.required = box.checked;
        reason.closest("td").classList.toggle("kbp-reason-idle", !box.checked);
      }
    });
    if (counter) {
      counter.textContent = String(chosen);
    }
    if (button) {
      button.dataset.confirm = button.dataset.confirmTemplate.replace("__count__", String(chosen));
      button.disabled = chosen === 0;
    }
  }

  // Narrowing a long list by name or NISN; hidden rows keep their ticks.
  var filter = form.querySelector("[data-row-filter]");
  if (filter) {
    filter.addEventListener("input", function () {
      var wanted = filter.value.trim().toLowerCase();
      form.querySelectorAll("tbody tr[data-search]").forEach(function (row) {
        row.hidden = wanted !== "" && row.dataset.search.indexOf(wanted) === -1;
      });
    });
    // Enter in the filter must not send the form to the Dinas.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  // After app.js has ticked the boxes of a "select all".
  form.addEventListener("change", function () {
    window.setTimeout(update, 0);
  });
  update();
})();
