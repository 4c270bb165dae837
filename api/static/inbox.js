// On a phone the inbox's filters start folded in (their summary says how many are chosen);
// on a wider screen, and without JavaScript, they stay open.
(function () {
  var box = document.getElementById("inbox-filters");
  if (box && window.matchMedia("(max-width: 40rem)").matches) {
    box.open = false;
  }
})();
