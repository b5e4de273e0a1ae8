// Desk enhancements only; every button is a real form that works without script and by keyboard.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before the actions that cannot be undone from the desk.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
});
