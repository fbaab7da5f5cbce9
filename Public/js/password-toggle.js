// Progressive enhancement: a "show password" button next to each password field.
// Without JavaScript the form works the same; paste is never blocked.
document.querySelectorAll("input[data-toggle-show]").forEach(function (input) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button-small button-outline toggle-password";
  button.textContent = input.dataset.toggleShow;
  button.setAttribute("aria-controls", input.id);
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", function () {
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    button.textContent = show ? input.dataset.toggleHide : input.dataset.toggleShow;
    button.setAttribute("aria-pressed", String(show));
  });
  input.insertAdjacentElement("afterend", button);
});
