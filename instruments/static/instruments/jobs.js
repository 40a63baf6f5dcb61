// The job page: poll the job resource and move the progress bar until it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-job-label]");
  var done = box.querySelector("[data-job-done]");
  var failed = box.querySelector("[data-job-failed]");
  var cancel = box.querySelector("[data-job-cancel]");
  var cancelled = box.querySelector("[data-job-cancelled]");
  var ended = ["succeeded", "failed", "cancelled"];
  // The states in the page's language (#js-words, written from the one catalogue).
  var wordsElement = document.getElementById("js-words");
  var states = wordsElement ? JSON.parse(wordsElement.textContent).job_states || {} : {};
  function stateWord(state) { return states[state] || state; }
  function show(job) {
    bar.value = job.progress;
    bar.textContent = job.progress + " %";
    label.textContent = stateWord(job.state) + " · " + job.progress + " %";
    if (ended.indexOf(job.state) >= 0 && cancel) cancel.hidden = true;
    if (job.state === "succeeded") {
      done.hidden = false;
      // A sensitivity analysis goes back to its page, which draws the result.
      if (box.dataset.jobNext) window.location.assign(box.dataset.jobNext);
      return true;
    }
    if (job.state === "failed") {
      failed.hidden = false;
      failed.querySelector("pre").textContent = JSON.stringify(job.error, null, 2);
      return true;
    }
    if (job.state === "cancelled") {
      if (cancelled) cancelled.hidden = false;
      return true;
    }
    return false;
  }
  function poll() {
    fetch(box.dataset.jobUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) { if (!show(job)) setTimeout(poll, 500); })
      .catch(function () { setTimeout(poll, 2000); });
  }
  if (ended.indexOf(box.dataset.jobState) < 0) poll();
})();
