// The wiring of each map (loaded last): P.init adds the controls, place names, stacked-cluster
// markers and the basemap notice, and switches what shows with the zoom.
(function () {
  "use strict";
  var P = window.PlanningMap;
  window.planningMaps = window.planningMaps || [];
  var T = P.t;

  function countLayers(group) {
    var n = 0;
    if (group && group.eachLayer) { group.eachLayer(function () { n++; }); }
    return n;
  }

  // -- place names: districts at city scale, communes when zoomed in (CSS shows one or the other)
  function label(latlng, text, cls) {
    var span = document.createElement("span");
    span.textContent = text;
    return L.marker(latlng, {
      icon: L.divIcon({ className: "planning-label " + cls, html: span, iconSize: null }),
      interactive: false, keyboard: false
    });
  }
  function placeLabels(map, cfg) {
    var group = L.layerGroup();
    (cfg.districtLabels || []).forEach(function (d) { label([d[1], d[2]], d[0], "planning-district-label").addTo(group); });
    (cfg.communeLabels || []).forEach(function (d) { label([d[1], d[2]], d[0], "planning-commune-label").addTo(group); });
    group.addTo(map);
    return group;
  }

  // -- basemap tiles that fail (offline): one line on the map instead of grey squares -------------
  function tileNotice(map, c) {
    var shown = false;
    map.eachLayer(function (l) {
      if (!(l instanceof L.TileLayer)) { return; }
      l.on("tileerror", function () {
        if (shown) { return; }
        shown = true;
        var n = L.DomUtil.create("div", "planning-tile-notice", c);
        n.setAttribute("role", "status");
        n.textContent = T("Basemap tiles could not be loaded (offline?): the plan's layers are all shown.");
      });
    });
  }

  // -- search entries: the clusters and zones on the map, then the districts and communes ------
  function searchEntries(cfg) {
    var entries = [];
    (cfg.searchLayers || []).forEach(function (item) {
      item.layer.eachLayer(function (l) {
        var p = (l.feature && l.feature.properties) || {};
        if (p.search) { entries.push({ key: p.search, label: p.label || p.search, layer: l, group: item.group || item.layer }); }
        else if (p.uid && p.name !== undefined) { entries.push({ key: null, label: "", layer: l, group: item.layer }); }
      });
    });
    (cfg.places || []).forEach(function (e) {
      entries.push({ key: P.fold(e[0]), label: e[1], bounds: e[2], place: true });
    });
    entries.forEach(function (e) {
      if (!e.key) {
        var p = e.layer.feature.properties;
        e.key = P.fold(p.name + " " + p.cluster_id);
        e.label = p.district ? p.name + " \u2014 " + p.district : p.name;
      }
    });
    // clusters first, then districts and communes, each by name
    entries.sort(function (a, b) { return (a.place ? 1 : 0) - (b.place ? 1 : 0) || a.label.localeCompare(b.label, "vi"); });
    return entries;
  }

  // -- the controls, in the order they stack in their corners ----------------------------------
  function addControls(map, cfg, entries) {
    // a small screen (1024x600 and less): the summary and the legend start folded
    var small = map.getSize().x < 1100 || map.getSize().y < 700;
    if (cfg.panel) { new P.HtmlBox(cfg.panel, { position: "topright", className: "planning-panel", collapsible: true, folded: small, title: T("the summary"), heading: T("Summary") }).addTo(map); }
    new P.Search(entries).addTo(map);
    new P.Fullscreen().addTo(map);
    new P.Measure().addTo(map);
    if (cfg.legend) { new P.HtmlBox(cfg.legend, { position: "bottomright", className: "planning-legend", collapsible: true, folded: small, title: T("the legend"), heading: T("Legend") }).addTo(map); }
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    if (cfg.minimap) { new P.MiniMap(cfg.minimap).addTo(map); }
    if (cfg.attribution && map.attributionControl) { map.attributionControl.addAttribution(cfg.attribution); }
  }

  // -- Leaflet's own tooltips, in the page's language --------------------------------------------
  function translateLeaflet(c) {
    // (the layer control may be added after this runs: done again once the page is loaded)
    var leafletTitles = function () {
      [[".leaflet-control-zoom-in", "Zoom in"], [".leaflet-control-zoom-out", "Zoom out"],
       [".leaflet-control-layers-toggle", "Layers"]].forEach(function (z) {
        c.querySelectorAll(z[0]).forEach(function (a) { a.title = T(z[1]); a.setAttribute("aria-label", T(z[1])); });
      });
    };
    leafletTitles();
    setTimeout(leafletTitles, 0);
    window.addEventListener("load", leafletTitles);
    c.querySelectorAll(".leaflet-control-attribution a[title]").forEach(function (a) {
      a.title = T("A JavaScript library for interactive maps");
    });
  }

  // -- popups pan clear of the summary panel while it is open -----------------------------------
  function padPopups(map, c) {
    var panelPad = function () {
      var panel = c.querySelector(".planning-panel");
      var open = panel && !panel.querySelector(".planning-box-body").hidden;
      var w = open ? panel.offsetWidth + 15 : 5;
      P.setPopupPad(map.getSize().x - w >= 420 ? w : 5);
    };
    map.on("resize popupopen", panelPad);
    panelPad();
  }

  // -- fitClear: fit the bounds in the part of the map that the side controls leave free --------
  function fitClear(map, c, bounds) {
    var side = function (sel) {
      var w = 0;
      c.querySelectorAll(sel).forEach(function (el) { w = Math.max(w, el.offsetWidth); });
      return w ? w + 20 : 10;
    };
    var left = side(".leaflet-top.leaflet-left > .leaflet-control"), right = side(".leaflet-right > .planning-box");
    if (map.getSize().x - left - right >= 300) {
      map.fitBounds(bounds, { animate: false, paddingTopLeft: [left, 10], paddingBottomRight: [right, 10] });
    }
  }

  // -- what shows with the zoom: outlines or dots, commune names and boundaries -----------------
  function followZoom(map, c, cfg) {
    var dotsShown = true, dots = [], communesAdded = false;
    if (cfg.canvas && cfg.counted && cfg.counted.clusters) {
      cfg.counted.clusters.eachLayer(function (l) { if (l.feature && l.feature.properties.ref) { dots.push(l); } });
    }
    var zoomClass = function () {
      var z = map.getZoom(), detail = z >= (cfg.detailZoom || 14);
      L.DomUtil[detail ? "addClass" : "removeClass"](c, "planning-zoomed-in");
      var communes = z >= (cfg.communeZoom || 12);
      L.DomUtil[communes ? "addClass" : "removeClass"](c, "planning-communes-shown");
      // the commune boundaries join the map the first time it is zoomed in (then the layer
      // control decides), so the first paint does not draw hundreds of hidden shapes
      var layer = cfg.counted && cfg.counted.communes;
      if (communes && layer && !communesAdded) { communesAdded = true; map.addLayer(layer); }
      // on a canvas, CSS cannot hide the dots: take them off the map when the outlines show
      if (dots.length && dotsShown === detail) {
        dotsShown = !detail;
        dots.forEach(function (l) { cfg.counted.clusters[detail ? "removeLayer" : "addLayer"](l); });
      }
    };
    map.on("zoomend", zoomClass);
    zoomClass();
  }

  // -- wiring: called once per map with the folium layers and the Python-built markup ----------
  P.init = function (map, cfg) {
    var c = map.getContainer();
    L.DomUtil.addClass(c, "planning-map");
    if (cfg.bounds) { map.fitBounds(cfg.bounds, { animate: false }); }
    var entries = searchEntries(cfg);
    addControls(map, cfg, entries);
    translateLeaflet(c);
    padPopups(map, c);
    if (cfg.bounds && cfg.fitClear) { fitClear(map, c, cfg.bounds); }
    var labels = placeLabels(map, cfg);
    var stacks = P.stackMarkers(map, cfg);
    tileNotice(map, c);
    followZoom(map, c, cfg);
    var counts = {};
    Object.keys(cfg.counted || {}).forEach(function (k) { counts[k] = countLayers(cfg.counted[k]); c.setAttribute("data-" + k, String(counts[k])); });
    var record = { map: map, counts: counts, layers: cfg.counted || {}, search: entries, stacks: stacks, labels: labels };
    window.planningMaps.push(record);
    return record;
  };
})();
