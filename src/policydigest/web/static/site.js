// Light enhancements only; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Print button of the print view.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // On a phone the facet list folds away below the results until asked for.
  if (!window.matchMedia("(min-width: 52rem)").matches) {
    for (const details of document.querySelectorAll("details.filters")) details.open = false;
  }
});
