/* Point picker for the tip form (progressive enhancement: the form works without it; district +
 * address is the main path). Stores WGS-84 in the lat/lon fields. Without tiles it draws Suzhou's
 * district outlines with their names (labels that would overlap are hidden until you zoom in);
 * with tiles it uses them, converting GCJ-02 tiles to and from WGS-84 so the stored point is
 * always WGS-84. A chosen point fills in the district (point in polygon on the site's WGS-84
 * boundaries), and choosing a district zooms the map to it. */
(function () {
  "use strict";
  var block = document.getElementById("report-map-block");
  if (!block || !window.L) { return; }
  var latInput = document.getElementById("f-lat");
  var lonInput = document.getElementById("f-lon");
  var sourceInput = document.getElementById("f-location_source");
  var districtSelect = document.getElementById("f-district");
  var status = document.getElementById("report-map-status");
  var note = document.getElementById("report-map-note");
  var d = block.dataset;
  var en = (document.documentElement.lang || "").indexOf("en") === 0;
  var readonly = d.readonly === "1";
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

  // Point in polygon on WGS-84 GeoJSON (ray casting; holes excluded).
  function inRing(lat, lon, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (((yi > lat) !== (yj > lat)) && (lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)) { inside = !inside; }
    }
    return inside;
  }
  function inGeometry(lat, lon, g) {
    var polys = g.type === "Polygon" ? [g.coordinates] : (g.type === "MultiPolygon" ? g.coordinates : []);
    for (var p = 0; p < polys.length; p++) {
      if (inRing(lat, lon, polys[p][0])) {
        var hole = false;
        for (var h = 1; h < polys[p].length; h++) { if (inRing(lat, lon, polys[p][h])) { hole = true; } }
        if (!hole) { return true; }
      }
    }
    return false;
  }

  block.hidden = false;
  var map = L.map("report-map", { zoomControl: true, zoomSnap: 0.25, attributionControl: !!d.tilesUrl }).fitBounds(BOUNDS);
  if (d.tilesUrl) {
    var opts = { attribution: d.tilesAttribution || "", maxZoom: parseInt(d.tilesMaxZoom || "18", 10) };
    if (d.tilesSubdomains) { opts.subdomains = d.tilesSubdomains.split(","); }
    L.tileLayer(d.tilesUrl, opts).addTo(map);
    if (d.tilesLabelUrl) { L.tileLayer(d.tilesLabelUrl, { subdomains: opts.subdomains || "abc", maxZoom: opts.maxZoom }).addTo(map); }
  } else if (note) {
    note.textContent = d.msgNoTiles || "";
  }

  var features = [];
  var layers = {};  // slug -> Leaflet layer of the district
  var labels = [];  // district name markers, largest district first

  function nameOf(f) {
    var full = en ? f.properties.name_en : f.properties.name_zh;
    return (full || f.properties.slug || "").replace(/\s*[（(].*$/, "");  // 虎丘区（苏州高新区） → 虎丘区
  }
  // Hide the names that would overlap one already shown (they appear when you zoom in).
  function declutter() {
    var shown = [];
    labels.forEach(function (m) {
      var el = m.getElement();
      if (!el) { return; }
      el.style.visibility = "visible";
      var r = el.firstChild ? el.firstChild.getBoundingClientRect() : el.getBoundingClientRect();
      var clash = shown.some(function (s) { return !(r.right < s.left || r.left > s.right || r.bottom < s.top || r.top > s.bottom); });
      if (clash) { el.style.visibility = "hidden"; } else { shown.push(r); }
    });
  }
  function drawBox() {
    L.rectangle(BOUNDS, { color: "#2b6a4f", weight: 1, fill: false, interactive: false }).addTo(map);
  }
  function districtAt(lat, lon) {
    for (var i = 0; i < features.length; i++) {
      if (features[i].geometry && inGeometry(lat, lon, features[i].geometry)) { return features[i]; }
    }
    return null;
  }

  fetch(d.boundaries, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geo) {
      if (!geo || !geo.features || !geo.features.length) { if (!d.tilesUrl) { drawBox(); } return; }
      features = geo.features;
      var all = L.geoJSON(geo, {
        coordsToLatLng: function (c) { var p = toMap(c[1], c[0]); return L.latLng(p[0], p[1]); },
        style: { color: "#2b6a4f", weight: 1.5, fillColor: "#2b6a4f", fillOpacity: 0.05 }, interactive: false,
        onEachFeature: function (f, layer) { layers[f.properties.slug] = layer; }
      }).addTo(map);
      if (!latInput.value) { map.fitBounds(all.getBounds(), { padding: [6, 6] }); }
      if (!d.tilesUrl) {
        var sized = features.map(function (f) {
          var b = layers[f.properties.slug].getBounds();
          return { f: f, size: (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()) };
        }).sort(function (a, b) { return b.size - a.size; });
        sized.forEach(function (s) {
          var p = s.f.properties;
          var at = (p.label_lat && p.label_lon) ? toMap(p.label_lat, p.label_lon) : null;
          var c = at ? L.latLng(at[0], at[1]) : layers[p.slug].getBounds().getCenter();
          labels.push(L.marker(c, {
            icon: L.divIcon({ className: "district-label", html: "<span>" + nameOf(s.f).replace(/[<>&]/g, "") + "</span>", iconSize: null }),
            interactive: false, keyboard: false
          }).addTo(map));
        });
        map.on("zoomend moveend", declutter);
        declutter();
      }
      var lat0 = parseFloat(latInput.value), lon0 = parseFloat(lonInput.value);
      if (!isNaN(lat0) && !isNaN(lon0)) { describe(lat0, lon0); }
    }).catch(function () { if (!d.tilesUrl) { drawBox(); } });

  var marker = null;
  function inSuzhou(lat, lon) { return lat >= BOUNDS[0][0] && lat <= BOUNDS[1][0] && lon >= BOUNDS[0][1] && lon <= BOUNDS[1][1]; }
  // Say where the point is, in words: the district (filled into the form) and the coordinates.
  function describe(lat, lon) {
    var f = districtAt(lat, lon);
    var where = f ? (en ? f.properties.name_en : f.properties.name_zh) : (d.msgNoDistrict || "");
    if (f && !readonly && districtSelect) {
      var slug = f.properties.slug;
      if (districtSelect.querySelector("option[value='" + slug + "']") && districtSelect.value !== slug) {
        districtSelect.value = slug;
        districtSelect.dispatchEvent(new Event("change"));
      }
    }
    status.textContent = (d.msgPicked || "") + ": " + where + " (" + lat.toFixed(5) + ", " + lon.toFixed(5) + ")";
  }
  function setPoint(lat, lon, source) {
    if (!inSuzhou(lat, lon)) { status.textContent = d.msgOutside; return; }
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    sourceInput.value = source;
    var p = toMap(lat, lon);
    // A vector marker: no icon image to fetch.
    if (marker) { marker.setLatLng(p); } else { marker = L.circleMarker(p, { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
    describe(lat, lon);
  }
  if (!readonly) {
    map.on("click", function (e) {
      var w = fromMap(e.latlng.lat, e.latlng.lng);
      setPoint(w[0], w[1], "map");
    });
    if (districtSelect) {
      // Choosing the district first (the main path) brings the map to it, ready for a point.
      districtSelect.addEventListener("change", function () {
        var layer = layers[districtSelect.value];
        if (layer && !latInput.value) { map.fitBounds(layer.getBounds(), { padding: [6, 6] }); }
      });
    }
  }
  var lat0 = parseFloat(latInput.value), lon0 = parseFloat(lonInput.value);
  if (!isNaN(lat0) && !isNaN(lon0)) { setPoint(lat0, lon0, sourceInput.value || "map"); map.setView(toMap(lat0, lon0), 12); }

  var useLocation = document.getElementById("use-location");
  if (useLocation) {
    useLocation.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = d.msgNoLocation; return; }
      status.textContent = d.msgLocating;
      navigator.geolocation.getCurrentPosition(function (pos) {
        // Browsers report WGS-84.
        setPoint(pos.coords.latitude, pos.coords.longitude, "device");
        if (latInput.value) { map.setView(toMap(pos.coords.latitude, pos.coords.longitude), 13); }
      }, function () { status.textContent = d.msgNoLocation; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  var clear = document.getElementById("clear-point");
  if (clear) {
    clear.addEventListener("click", function () {
      latInput.value = ""; lonInput.value = ""; sourceInput.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      status.textContent = "";
    });
  }
}());
