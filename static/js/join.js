// Remember the display name on this device, for the next workshop too.

const form = document.querySelector("[data-remember-name]");
const input = form.querySelector("input[name=name]");
input.value ||= localStorage.getItem("pathweaver:name") || "";
form.addEventListener("submit", () => localStorage.setItem("pathweaver:name", input.value.trim()));
