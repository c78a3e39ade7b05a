// The exam's countdown: the page already says the time left (the server decides it);
// this only keeps the figure moving and tells screen readers at 5 and 1 minute.
(() => {
  const box = document.querySelector("[data-seconds-left]");
  if (!box) return;
  const value = box.querySelector(".timer-value");
  const announce = box.querySelector("[data-timer-announce]");
  const end = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  const said = new Set();
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    value.textContent = `${minutes}:${seconds}`;
    for (const [limit, key] of [[300, "five"], [60, "one"], [0, "over"]]) {
      if (left <= limit && !said.has(key) && Number(box.dataset.secondsLeft) > limit) {
        said.add(key);
        announce.textContent = announce.dataset[key];
      }
    }
    if (left === 0) {
      // The server has closed the attempt: show its results.
      window.setTimeout(() => window.location.reload(), 1500);
      return;
    }
    window.setTimeout(tick, 1000);
  };
  tick();
})();
