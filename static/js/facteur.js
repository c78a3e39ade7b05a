// Behaviour that needs script lives here, never inline (strict CSP).
// After htmx swaps in a question or its feedback, move the keyboard focus to
// its heading, so that keyboard and screen-reader users carry on from there.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  const heading = target && target.querySelector("[data-autofocus]");
  if (heading) heading.focus();
});
