// A display formula wider than the text column scrolls sideways (the theme's overflow-x: auto);
// a keyboard user can only scroll what can take focus, so such a formula joins the tab order.
// Then <html data-math-ready> says the page's math is typeset (the browser test waits for it).
window.addEventListener("load", function () {
  var mathjax = window.MathJax;
  var typeset = mathjax && mathjax.startup && mathjax.startup.promise;
  Promise.resolve(typeset).then(function () {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (math) {
      if (math.scrollWidth > math.clientWidth) {
        math.tabIndex = 0;
      }
    });
    document.documentElement.setAttribute("data-math-ready", "");
  });
});
