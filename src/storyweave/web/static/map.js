// Offline story map: Natural Earth country outlines (vendored TopoJSON) and
// markers for places and events. No tile server: nothing leaves this origin.
(function () {
  "use strict";
  var holder = document.getElementById("map");
  var dataNode = document.getElementById("map-data");
  if (!holder || !dataNode || typeof L === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  var map = L.map(holder, { worldCopyJump: false, minZoom: 1, maxZoom: 12 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Borders: Natural Earth");
  map.setView([20, 0], 2);
  var markers = [];

  function tag(layer, attrs) {
    var el = layer.getElement && layer.getElement();
    if (!el) { return; }
    Object.keys(attrs).forEach(function (k) { el.setAttribute("data-" + k, String(attrs[k])); });
  }

  function label(parts) {
    // Tooltip text is set with textContent, never parsed as HTML.
    var span = document.createElement("span");
    span.textContent = parts.filter(Boolean).join(" · ");
    return span;
  }

  function addMarkers() {
    (data.places || []).forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], { radius: 5 + Math.min(6, p.n * 2), className: "map-place", weight: 2, fillOpacity: 0.8 })
        .addTo(map).bindTooltip(label([p.name, p.country, p.n + " article(s)"]));
      tag(m, { kind: "place", name: p.name, lat: p.lat, lon: p.lon });
      markers.push(m);
    });
    (data.events || []).forEach(function (e) {
      var m = L.circleMarker([e.lat, e.lon], { radius: 4, className: "map-event", weight: 1, fillOpacity: 0.9 })
        .addTo(map).bindTooltip(label([e.date, e.type, e.action, e.place, e.outlet]));
      tag(m, { kind: "event", name: e.place, lat: e.lat, lon: e.lon, type: e.type });
      markers.push(m);
    });
    if (markers.length) {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 7 });
    }
    holder.setAttribute("data-ready", String(markers.length));
  }

  // Rings that cross the antimeridian (Russia, Fiji) jump from 180 to -180 degrees and
  // Leaflet draws the jump as a band across the whole map: keep each ring continuous.
  function unwrapRing(ring) {
    for (var i = 1; i < ring.length; i++) {
      var prev = ring[i - 1][0];
      while (ring[i][0] - prev > 180) { ring[i][0] -= 360; }
      while (ring[i][0] - prev < -180) { ring[i][0] += 360; }
    }
  }

  function unwrap(feature) {
    var g = feature.geometry;
    if (!g) { return; }
    var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    polygons.forEach(function (polygon) { polygon.forEach(unwrapRing); });
  }

  fetch(holder.getAttribute("data-countries"))
    .then(function (r) { return r.json(); })
    .then(function (topology) {
      var countries = topojson.feature(topology, topology.objects.countries);
      countries.features.forEach(unwrap);
      L.geoJSON(countries, { style: { color: "#7d8a99", weight: 1, fillColor: "#f4f1e8", fillOpacity: 1 }, interactive: false }).addTo(map);
    })
    .catch(function () { /* markers still work without the outlines */ })
    .then(addMarkers);
})();
