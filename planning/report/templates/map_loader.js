// Sets the iframe's document from the JSON string in the page (no network, no blob URL).
(function () {
  var src = document.getElementById("planning-map-source");
  var frame = document.getElementById("planning-map-frame");
  if (src && frame) { frame.srcdoc = JSON.parse(src.textContent); }
})();
