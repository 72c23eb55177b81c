// The map's controls (loaded after planning-map-features.js): search, full screen, measure,
// minimap, and boxes of ready-made HTML (summary panel, legend).
(function () {
  "use strict";
  var P = window.PlanningMap;
  var T = P.t;

  var SVG_NS = "http://www.w3.org/2000/svg";
  function icon(pathD) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", pathD);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    svg.appendChild(path);
    return svg;
  }
  function button(parent, title, pathD, cls) {
    var a = L.DomUtil.create("a", cls || "", parent);
    a.href = "#";
    a.title = title;
    a.setAttribute("role", "button");
    a.setAttribute("aria-label", title);
    a.appendChild(icon(pathD));
    L.DomEvent.disableClickPropagation(a);
    return a;
  }

  // -- search by cluster name, diacritics ignored ------------------------------------------------
  P.Search = L.Control.extend({
    options: { position: "topleft", max: 10 },
    initialize: function (entries, options) {
      L.setOptions(this, options);
      this._entries = entries;
    },
    onAdd: function (map) {
      var self = this;
      var box = L.DomUtil.create("div", "leaflet-bar planning-search");
      var input = L.DomUtil.create("input", "planning-search-input", box);
      input.type = "search";
      input.placeholder = T("Search clusters, districts, communes (e.g. phung xa)");
      input.setAttribute("aria-label", T("Search clusters, districts and communes by name"));
      input.autocomplete = "off";
      var list = L.DomUtil.create("ul", "planning-search-results", box);
      list.setAttribute("role", "listbox");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._input = input;
      this._list = list;
      function hits() {
        var q = P.fold(input.value);
        if (!q) { return []; }
        return self._entries.filter(function (e) { return e.key.indexOf(q) !== -1; });
      }
      function render() {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        var q = P.fold(input.value);
        if (!q) { return; }
        var found = hits();
        if (!found.length) {
          var none = L.DomUtil.create("li", "planning-search-none", list);
          none.textContent = T("Nothing matches \u201c%s\u201d").replace("%s", input.value);
          return;
        }
        found.slice(0, self.options.max).forEach(function (e) {
          var li = L.DomUtil.create("li", "planning-search-hit", list);
          li.textContent = e.label;
          li.tabIndex = 0;
          li.setAttribute("role", "option");
          L.DomEvent.on(li, "click", function () { self.go(e); });
          L.DomEvent.on(li, "keydown", function (ev) { if (ev.key === "Enter") { self.go(e); } });
        });
        if (found.length > self.options.max) {
          var more = L.DomUtil.create("li", "planning-search-none", list);
          more.textContent = T("\u2026 and %s more").replace("%s", String(found.length - self.options.max));
        }
      }
      L.DomEvent.on(input, "input", render);
      L.DomEvent.on(input, "keydown", function (ev) {
        if (ev.key === "Enter") { var f = hits(); if (f.length) { self.go(f[0]); } }
        if (ev.key === "Escape") { input.value = ""; render(); }
      });
      return box;
    },
    go: function (e) {
      var map = this._map;
      if (e.bounds) {
        map.fitBounds(e.bounds, { maxZoom: 15, padding: [20, 20], animate: false });
        return;
      }
      if (e.group && !map.hasLayer(e.group)) { map.addLayer(e.group); }
      if (e.layer.getBounds) {
        map.fitBounds(e.layer.getBounds(), { maxZoom: 15, padding: [40, 40], animate: false });
      } else {
        map.setView(e.layer.getLatLng(), Math.max(map.getZoom(), 14), { animate: false });
      }
      e.layer.openPopup();
    }
  });

  // -- full screen (Fullscreen API, with a CSS fallback) -----------------------------------------
  P.Fullscreen = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var bar = L.DomUtil.create("div", "leaflet-bar planning-fullscreen");
      var c = map.getContainer();
      var a = button(bar, T("Full screen"), "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5");
      function pseudo(on) {
        if (on) { L.DomUtil.addClass(c, "planning-pseudo-fullscreen"); }
        else { L.DomUtil.removeClass(c, "planning-pseudo-fullscreen"); }
        map.invalidateSize();
      }
      L.DomEvent.on(a, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        if (L.DomUtil.hasClass(c, "planning-pseudo-fullscreen")) { pseudo(false); return; }
        if (document.fullscreenElement) { document.exitFullscreen(); return; }
        if (c.requestFullscreen && document.fullscreenEnabled) {
          c.requestFullscreen().catch(function () { pseudo(true); });
        } else {
          pseudo(true);
        }
      });
      document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
      return bar;
    }
  });

  // -- measure: click points for a distance, three or more for an area -------------------------
  var R = 6371008.8;
  function sphericalArea(latlngs) {
    var n = latlngs.length, total = 0, rad = Math.PI / 180;
    if (n < 3) { return 0; }
    for (var i = 0; i < n; i++) {
      var p1 = latlngs[i], p2 = latlngs[(i + 1) % n];
      total += (p2.lng - p1.lng) * rad * (2 + Math.sin(p1.lat * rad) + Math.sin(p2.lat * rad));
    }
    return Math.abs(total * R * R / 2);
  }
  function fmtLength(m) {
    return m >= 1000 ? (m / 1000).toFixed(m >= 10000 ? 1 : 2) + " km" : Math.round(m) + " m";
  }
  function fmtArea(m2) {
    return m2 >= 1e6 ? (m2 / 1e6).toFixed(2) + " km\u00b2 (" + Math.round(m2 / 1e4).toLocaleString("en") + " ha)"
      : (m2 / 1e4).toFixed(2) + " ha";
  }
  P.Measure = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var self = this;
      var bar = L.DomUtil.create("div", "leaflet-bar planning-measure");
      var a = button(bar, T("Measure distances and areas"), "M3 17L17 3l4 4L7 21zM7 13l2 2M10 10l2 2M13 7l2 2");
      var out = L.DomUtil.create("div", "planning-measure-out", bar);
      out.hidden = true;
      var text = L.DomUtil.create("div", "planning-measure-text", out);
      var clear = L.DomUtil.create("button", "planning-measure-clear", out);
      clear.type = "button";
      clear.textContent = T("Clear");
      L.DomEvent.disableClickPropagation(out);
      this._points = [];
      this._group = L.layerGroup();
      this._line = L.polyline([], { color: "#c0392b", weight: 2, dashArray: "4 4", interactive: false });
      this._poly = L.polygon([], { color: "#c0392b", weight: 0, fillOpacity: 0.12, interactive: false });
      this._group.addLayer(this._poly).addLayer(this._line);
      function update() {
        var pts = self._points, d = 0;
        for (var i = 1; i < pts.length; i++) { d += map.distance(pts[i - 1], pts[i]); }
        self._line.setLatLngs(pts);
        self._poly.setLatLngs(pts.length > 2 ? pts : []);
        var s = pts.length < 2 ? T("Click on the map to add points.") : T("Distance: %s").replace("%s", fmtLength(d));
        if (pts.length > 2) { s += " \u00b7 " + T("Area: %s").replace("%s", fmtArea(sphericalArea(pts))); }
        text.textContent = s;
      }
      function onClick(e) {
        self._points.push(e.latlng);
        L.circleMarker(e.latlng, { radius: 3, color: "#c0392b", interactive: false }).addTo(self._group);
        update();
      }
      function reset() {
        self._points = [];
        self._group.clearLayers();
        self._group.addLayer(self._poly).addLayer(self._line);
        update();
      }
      L.DomEvent.on(clear, "click", function (ev) { L.DomEvent.stop(ev); reset(); });
      L.DomEvent.on(a, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        self._active = !self._active;
        out.hidden = !self._active;
        if (self._active) {
          L.DomUtil.addClass(a, "planning-active");
          L.DomUtil.addClass(map.getContainer(), "planning-measuring");
          map.doubleClickZoom.disable();
          self._group.addTo(map);
          map.on("click", onClick);
          update();
        } else {
          L.DomUtil.removeClass(a, "planning-active");
          L.DomUtil.removeClass(map.getContainer(), "planning-measuring");
          map.doubleClickZoom.enable();
          map.off("click", onClick);
          reset();
          map.removeLayer(self._group);
        }
      });
      return bar;
    }
  });

  // -- minimap: the districts at a fixed scale and the main view as a rectangle ------------------
  P.MiniMap = L.Control.extend({
    options: { position: "bottomleft", width: 150, height: 130 },
    initialize: function (source, options) {
      L.setOptions(this, options);
      this._source = source;
    },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar planning-minimap");
      box.style.width = this.options.width + "px";
      box.style.height = this.options.height + "px";
      box.title = T("Overview (click to move the map there)");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this._box = box;
      return box;
    },
    addTo: function (map) {
      L.Control.prototype.addTo.call(this, map);
      var inner = L.DomUtil.create("div", "planning-minimap-inner", this._box);
      var mini = L.map(inner, {
        attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
        doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, zoomSnap: 0
      });
      var shapes = L.geoJSON(this._source.toGeoJSON(), {
        interactive: false,
        style: { color: "#6b6b6b", weight: 0.6, fillColor: "#d9d4c7", fillOpacity: 0.8 }
      }).addTo(mini);
      var b = shapes.getBounds();
      if (b.isValid()) { mini.fitBounds(b, { padding: [4, 4] }); } else { mini.setView(map.getCenter(), 6); }
      var rect = L.rectangle(map.getBounds(), {
        color: "#c0392b", weight: 1.5, fillOpacity: 0.08, interactive: false
      }).addTo(mini);
      map.on("move zoomend resize", function () { rect.setBounds(map.getBounds()); });
      mini.on("click", function (e) { map.panTo(e.latlng); });
      this._mini = mini;
      return this;
    }
  });

  // -- a box of ready-made (escaped) HTML: summary panel, legend --------------------------------
  P.HtmlBox = L.Control.extend({
    options: { position: "topright", className: "", collapsible: false, title: "" },
    initialize: function (html, options) {
      L.setOptions(this, options);
      this._html = html;
    },
    onAdd: function () {
      var box = L.DomUtil.create("div", "planning-box " + this.options.className);
      var body = L.DomUtil.create("div", "planning-box-body", box);
      body.innerHTML = this._html;
      if (this.options.collapsible) {
        var head = L.DomUtil.create("span", "planning-box-title", box);
        head.textContent = this.options.heading || "";
        var t = L.DomUtil.create("button", "planning-box-toggle", box);
        t.type = "button";
        t.textContent = "\u2212";
        t.title = T("Hide or show %s").replace("%s", this.options.title);
        t.setAttribute("aria-label", t.title);
        t.setAttribute("aria-expanded", "true");
        var fold = function (hide) {
          body.hidden = hide;
          t.textContent = hide ? "+" : "\u2212";
          t.setAttribute("aria-expanded", hide ? "false" : "true");
          L.DomUtil[hide ? "addClass" : "removeClass"](box, "planning-box-collapsed");
        };
        this.fold = fold;
        L.DomEvent.on(t, "click", function () { fold(!body.hidden); });
        if (this.options.folded) { fold(true); }
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
})();
