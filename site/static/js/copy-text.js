/* Progressive enhancement for text people copy ("Cite this", "Embed this", a tip's tracking
   code): adds a Copy button next to every <textarea data-copy-label> and every other element with
   data-copy-label (its text is copied). Without JavaScript the text stays selectable. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-label]").forEach(function (box) {
    if (box.getAttribute("data-copy-ready")) { return; }  // the script may be included twice
    box.setAttribute("data-copy-ready", "1");
    var isField = box.tagName === "TEXTAREA" || box.tagName === "INPUT";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = box.getAttribute("data-copy-label");
    // aria-live without role=status: pages keep a single status region of their own
    var status = document.createElement("span");
    status.setAttribute("aria-live", "polite");
    status.className = "small copy-status";
    function select() {
      if (isField) { box.select(); return; }
      var range = document.createRange();
      range.selectNodeContents(box);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    button.addEventListener("click", function () {
      select();
      var text = isField ? box.value : box.textContent.trim();
      var done = function () { status.textContent = " " + box.getAttribute("data-copied-label"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
    box.insertAdjacentElement("afterend", status);
    box.insertAdjacentElement("afterend", button);
  });
})();
