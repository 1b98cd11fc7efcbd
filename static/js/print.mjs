// "Print this page" buttons (templates/partials/print_button.html): rendered hidden, since
// they need JavaScript, and shown here. The print stylesheet hides them on paper.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.addEventListener("click", () => window.print());
  button.hidden = false;
}
