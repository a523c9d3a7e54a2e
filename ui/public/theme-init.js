// Applies the saved or requested theme before first paint, so dark-mode users never see a white
// flash. A file rather than an inline script so the Content-Security-Policy can forbid inline code.
(function () {
  try {
    var q = new URLSearchParams(location.hash.split("?")[1] || location.search).get("theme");
    var t = q || localStorage.getItem("ui.theme");
    if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
  } catch (e) {}
})();
