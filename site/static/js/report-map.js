/* Point picker for the tip form (progressive enhancement: the form works without it).
 * Stores WGS-84 in the lat/lon fields. Draws Suzhou's district outlines (or a plain box) when
 * no tiles are configured; uses the configured tiles otherwise, converting GCJ-02 tiles to and
 * from WGS-84 so the stored point is always WGS-84. */
(function () {
  "use strict";
  var block = document.getElementById("report-map-block");
  if (!block || !window.L) { return; }
  var latInput = document.getElementById("f-lat");
  var lonInput = document.getElementById("f-lon");
  var sourceInput = document.getElementById("f-location_source");
  var status = document.getElementById("report-map-status");
  var note = document.getElementById("report-map-note");
  var d = block.dataset;
  var BOUNDS = [[30.70, 119.85], [32.10, 121.40]];
  var gcj = (d.tilesDatum || "").toLowerCase().replace(/[^a-z0-9]/g, "") === "gcj02";

  // WGS-84 <-> GCJ-02 (the offset datum of most Chinese tile services).
  function outOfChina(lat, lon) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  }
  function wgsToGcj(lat, lon) {
    if (outOfChina(lat, lon)) { return [lat, lon]; }
    var a = 6378245.0, ee = 0.00669342162296594323;
    var dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35);
    var rad = lat / 180 * Math.PI, m = 1 - ee * Math.sin(rad) * Math.sin(rad), s = Math.sqrt(m);
    dLat = (dLat * 180) / ((a * (1 - ee)) / (m * s) * Math.PI);
    dLon = (dLon * 180) / (a / s * Math.cos(rad) * Math.PI);
    return [lat + dLat, lon + dLon];
  }
  function gcjToWgs(lat, lon) {
    var w = [lat, lon];
    for (var i = 0; i < 10; i++) {  // fixed-point iteration: error < 1 cm after a few steps
      var g = wgsToGcj(w[0], w[1]);
      w = [w[0] - (g[0] - lat), w[1] - (g[1] - lon)];
    }
    return w;
  }
  var toMap = gcj ? wgsToGcj : function (a, b) { return [a, b]; };
  var fromMap = gcj ? gcjToWgs : function (a, b) { return [a, b]; };

  block.hidden = false;
  var map = L.map("report-map", { zoomControl: true, attributionControl: !!d.tilesUrl }).fitBounds(BOUNDS);
  if (d.tilesUrl) {
    var opts = { attribution: d.tilesAttribution || "", maxZoom: parseInt(d.tilesMaxZoom || "18", 10) };
    if (d.tilesSubdomains) { opts.subdomains = d.tilesSubdomains.split(","); }
    L.tileLayer(d.tilesUrl, opts).addTo(map);
    if (d.tilesLabelUrl) { L.tileLayer(d.tilesLabelUrl, { subdomains: opts.subdomains || "abc", maxZoom: opts.maxZoom }).addTo(map); }
  } else {
    note.textContent = d.msgNoTiles || "";
  }

  function drawBox() {
    L.rectangle(BOUNDS, { color: "#2b6a4f", weight: 1, fill: false, interactive: false }).addTo(map);
  }
  fetch(d.boundaries, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geo) {
      if (!geo || !geo.features || !geo.features.length) { if (!d.tilesUrl) { drawBox(); } return; }
      L.geoJSON(geo, {
        coordsToLatLng: function (c) { var p = toMap(c[1], c[0]); return L.latLng(p[0], p[1]); },
        style: { color: "#2b6a4f", weight: 1, fillOpacity: 0.04 }, interactive: false
      }).addTo(map);
    }).catch(function () { if (!d.tilesUrl) { drawBox(); } });

  var marker = null;
  function inSuzhou(lat, lon) { return lat >= BOUNDS[0][0] && lat <= BOUNDS[1][0] && lon >= BOUNDS[0][1] && lon <= BOUNDS[1][1]; }
  function setPoint(lat, lon, source) {
    if (!inSuzhou(lat, lon)) { status.textContent = d.msgOutside; return; }
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    sourceInput.value = source;
    var p = toMap(lat, lon);
    // A vector marker: no icon image to fetch.
    if (marker) { marker.setLatLng(p); } else { marker = L.circleMarker(p, { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
    status.textContent = (d.msgPicked || "") + ": " + latInput.value + ", " + lonInput.value;
  }
  if (d.readonly !== "1") {
    map.on("click", function (e) {
      var w = fromMap(e.latlng.lat, e.latlng.lng);
      setPoint(w[0], w[1], "map");
    });
  }
  var lat0 = parseFloat(latInput.value), lon0 = parseFloat(lonInput.value);
  if (!isNaN(lat0) && !isNaN(lon0)) { setPoint(lat0, lon0, sourceInput.value || "map"); map.setView(toMap(lat0, lon0), 14); }

  document.getElementById("use-location").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = d.msgNoLocation; return; }
    status.textContent = d.msgLocating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      // Browsers report WGS-84.
      setPoint(pos.coords.latitude, pos.coords.longitude, "device");
      if (latInput.value) { map.setView(toMap(pos.coords.latitude, pos.coords.longitude), 15); }
    }, function () { status.textContent = d.msgNoLocation; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  document.getElementById("clear-point").addEventListener("click", function () {
    latInput.value = ""; lonInput.value = ""; sourceInput.value = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    status.textContent = "";
  });
}());
