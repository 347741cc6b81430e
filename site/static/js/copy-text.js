/* Progressive enhancement for read-only code boxes ("Cite this", "Embed this"): adds a Copy
   button next to every <textarea data-copy-label>. Without JavaScript the text stays selectable. */
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-copy-label]").forEach(function (box) {
    if (box.getAttribute("data-copy-ready")) { return; }  // the script may be included twice
    box.setAttribute("data-copy-ready", "1");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = box.getAttribute("data-copy-label");
    // aria-live without role=status: pages keep a single status region of their own
    var status = document.createElement("span");
    status.setAttribute("aria-live", "polite");
    status.className = "small copy-status";
    button.addEventListener("click", function () {
      box.select();
      var done = function () { status.textContent = " " + box.getAttribute("data-copied-label"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
    box.insertAdjacentElement("afterend", status);
    box.insertAdjacentElement("afterend", button);
  });
})();
