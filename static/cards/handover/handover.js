// The handover pages: show the fields the chosen outcome needs, and find a
// card by scanning its QR code with the phone's camera. Loaded as a file
// because the Content Security Policy allows no inline scripts; uses no
// library, only the browser's own BarcodeDetector where it has one.
(function () {
  "use strict";

  // Delivered or not: show only the fields that outcome needs. Without
  // this script every field stays visible and the server checks them.
  function showOutcomeFields(form) {
    var outcome = form.querySelector("input[data-outcome-switch]:checked");
    var receiver = form.querySelector("input[data-receiver-switch]:checked");
    form.querySelectorAll("[data-outcome]").forEach(function (part) {
      part.hidden = outcome !== null && part.dataset.outcome !== outcome.value;
    });
    form.querySelectorAll("[data-receiver-name]").forEach(function (part) {
      part.hidden = receiver !== null && receiver.value === "student";
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("input[data-outcome-switch]")) {
      showOutcomeFields(form);
      form.addEventListener("change", function () {
        showOutcomeFields(form);
      });
    }
  });

  // Scanning. The QR code holds the card's verification URL; the server
  // says which card it names and where its handover page is.
  var panel = document.getElementById("kbp-scan");
  var start = document.querySelector("[data-scan-start]");
  var unsupported = document.querySelector("[data-scan-unsupported]");
  if (!panel || !start) {
    return;
  }
  var canScan =
    "BarcodeDetector" in window &&
    navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";
  if (!canScan) {
    if (unsupported) {
      unsupported.hidden = false;
    }
    return;
  }
  start.hidden = false;

  var video = document.getElementById("kbp-scan-video");
  var status = document.getElementById("kbp-scan-status");
  var lookupForm = document.getElementById("kbp-lookup-form");
  var stream = null;
  var timer = null;
  var busy = false;
  var lastCode = "";

  function say(text) {
    status.textContent = text;
  }

  function stop() {
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (stream !== null) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    video.srcObject = null;
    panel.hidden = true;
    start.hidden = false;
  }

  function lookUp(text) {
    busy = true;
    say(panel.dataset.checking || "…");
    var body = new FormData(lookupForm);
    body.set("code", text);
    fetch(panel.dataset.lookupUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.url) {
          stop();
          window.location.assign(answer.url);
          return;
        }
        say(answer.error || "");
        busy = false;
      })
      .catch(function () {
        say(panel.dataset.failed || "");
        busy = false;
      });
  }

  function scan(detector) {
    timer = window.setTimeout(function () {
      if (busy || video.readyState < 2) {
        scan(detector);
        return;
      }
      detector
        .detect(video)
        .then(function (codes) {
          // A code already refused is not sent again while it stays in view.
          if (codes.length > 0 && codes[0].rawValue && codes[0].rawValue !== lastCode) {
            lastCode = codes[0].rawValue;
            lookUp(lastCode);
          }
        })
        .catch(function () {})
        .then(function () {
          if (stream !== null) {
            scan(detector);
          }
        });
    }, 250);
  }

  start.addEventListener("click", function () {
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      start.hidden = true;
      if (unsupported) {
        unsupported.hidden = false;
      }
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (opened) {
        stream = opened;
        video.srcObject = stream;
        panel.hidden = false;
        start.hidden = true;
        busy = false;
        lastCode = "";
        return video.play();
      })
      .then(function () {
        scan(detector);
      })
      .catch(function () {
        panel.hidden = false;
        say(panel.dataset.noCamera || "");
      });
  });

  panel.querySelector("[data-scan-stop]").addEventListener("click", stop);
  window.addEventListener("pagehide", stop);
})();
