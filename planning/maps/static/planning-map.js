(function () {
  "use strict";
  var P = (window.PlanningMap = window.PlanningMap || {});
  window.planningMaps = window.planningMaps || [];

  // The same folding as planning.text.names.fold: no diacritics, d for đ, lower case.
  P.fold = function (s) {
    return String(s == null ? "" : s)
      .replace(/\u0110/g, "D").replace(/\u0111/g, "d")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  };

  // Everything from data comes from the page's data block (planning.maps.api PageData), written
  // as JSON outside folium's templates: feature properties by feature id, config by map.
  var props = {}, configs = {};
  P.addData = function (token, data) {
    var f = data.features || {};
    Object.keys(f).forEach(function (id) { props[id] = f[id]; });
    var cfg = (configs[token] = data.config || {});
    var msgs = cfg.messages || {};
    Object.keys(msgs).forEach(function (k) { messages[k] = msgs[k]; });
    if (cfg.number) { NUM = cfg.number; }
    if (cfg.labels) { LABELS = cfg.labels; }
    // past a size threshold, clusters are drawn on one canvas (bindFeature sets the renderer)
    if (cfg.canvas) { canvases[token] = L.canvas({ padding: 0.3, tolerance: 3 }); }
    styleTables[token] = cfg.styles || {};
  };
  P.config = function (token) { return configs[token] || {}; };

  // Interface text in the page's language: the English text is the key (planning.maps.elements
  // JS_MESSAGES); the translations arrive with the data block's config.
  var messages = {};
  function T(text) { return Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : text; }
  P.t = T;

  // Popups and tooltips: zones, districts and diff maps carry HTML built (and escaped) in
  // Python; clusters carry plain data, and their popup and tooltip are built here when they
  // open, with textContent only (planning.maps.features._cluster_properties).
  // A feature with "ref" (the dot marking a small cluster at city scale) shares the popup and
  // tooltip of the feature whose "uid" it names.
  var byUid = {};
  var canvases = {}, styleTables = {};
  // Popups pan clear of the summary panel where the map is wide enough (see P.init).
  var PAD_BR = [5, 5];
  var POPUP = { maxWidth: 380, className: "planning-popup", autoPanPaddingBottomRight: PAD_BR };
  var TOOLTIP = { sticky: true, className: "planning-tooltip" };
  function el(tag, parent, text, cls) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = String(text); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  var NUM = { decimal: ".", group: "," };
  function fmt(v, digits) {
    var parts = Number(v).toFixed(digits == null ? 2 : digits).split(".");
    var neg = parts[0].charAt(0) === "-";
    var int = neg ? parts[0].slice(1) : parts[0];
    int = int.replace(/\B(?=(\d{3})+(?!\d))/g, NUM.group);
    return (neg ? "-" : "") + int + (parts.length > 1 ? NUM.decimal + parts[1] : "");
  }
  P.fmt = fmt;
  var LABELS = { categories: {}, geometry: {} };
  function safeUrl(u) { return /^https?:\/\//i.test(String(u || "")) ? String(u) : null; }
  P.clusterPopup = function (p) {
    var box = el("div");
    el("h3", box, p.name);
    if (p.kind === "indicative") { el("span", box, T("indicative footprint"), "planning-badge"); }
    else if (p.kind === "point") { el("span", box, T("location only"), "planning-badge"); }
    var table = el("table", box);
    function row(label, value) {
      var tr = el("tr", table);
      el("th", tr, label);
      var td = el("td", tr);
      if (value instanceof Node) { td.appendChild(value); } else { td.textContent = value; }
    }
    var declared = p.declared_ha == null ? T("not published")
      : (p.qualifier ? p.qualifier + " " : "") + fmt(p.declared_ha) + " ha";
    var measured;
    if (p.measured_ha == null) { measured = p.kind === "point" ? T("\u2014 (no outline)") : "\u2014"; }
    else {
      measured = fmt(p.measured_ha) + " ha " + T("(geodesic)");
      if (p.declared_ha) {
        var pct = 100 * (p.measured_ha - p.declared_ha) / p.declared_ha;
        measured += ", " + (pct >= 0 ? "+" : "") + fmt(pct, 1) + " %";
      }
      if (p.kind === "indicative") { measured += " \u2014 " + T("equal to the declared area by construction"); }
    }
    var url = safeUrl(p.source_url), source;
    if (url) {
      source = el("a", null, url);
      source.href = url;
      source.target = "_blank";
      source.rel = "noopener noreferrer";
    } else { source = p.source_url || "\u2014"; }
    row(T("Cluster id"), p.cluster_id);
    row(T("Commune"), p.commune || T("not known"));
    row(T("District"), p.district || T("not known"));
    row(T("Declared area"), declared);
    row(T("Measured area"), measured);
    row(T("Geometry"), LABELS.geometry[p.kind] || p.kind);
    row(T("Location precision"), p.precision || T("not stated"));
    row(T("Status"), p.status || T("not reported"));
    row(T("Category"), LABELS.categories[p.category] || p.category);
    row(T("Source"), source);
    var findings = p.findings || [];
    if (findings.length) {
      el("b", el("p", box), T("Rule findings (%s)").replace("%s", String(findings.length)));
      var ul = el("ul", box);
      findings.forEach(function (f) {
        var li = el("li", ul, null, "planning-sev-" + String(f[1]).toLowerCase().replace(/[^a-z0-9_-]+/g, "-"));
        el("b", li, f[0]);
        li.appendChild(document.createTextNode(" " + f[1] + ": " + f[2]));
      });
    } else { el("p", box, T("No rule findings for this cluster.")); }
    return box;
  };
  P.clusterTooltip = function (p) {
    var box = el("div");
    el("b", box, p.name);
    el("br", box);
    var area = p.declared_ha == null ? T("no published area")
      : T("%s declared").replace("%s", (p.qualifier ? p.qualifier + " " : "") + fmt(p.declared_ha) + " ha");
    box.appendChild(document.createTextNode((p.district ? p.district + " \u00b7 " : "") + area));
    if (p.kind === "indicative" || p.kind === "point") {
      el("br", box);
      el("i", box, T(p.kind === "point" ? "location only" : "indicative footprint"));
    }
    return box;
  };
  function bindCluster(layer, p) {
    layer.bindPopup(function () { return P.clusterPopup(p); }, POPUP);
    layer.bindTooltip(function () { return P.clusterTooltip(p); }, TOOLTIP);
  }
  P.bindFeature = function (feature, layer) {
    if (Object.prototype.hasOwnProperty.call(props, feature.id)) { feature.properties = props[feature.id]; }
    var p = feature.properties || {};
    var tk = String(feature.id).slice(0, 8);
    if (canvases[tk] && (p.uid || p.ref)) { layer.options.renderer = canvases[tk]; }
    var st = p.s && styleTables[tk] && styleTables[tk][p.s];
    if (st) { layer.setStyle(st); }
    if (p.uid) { byUid[p.uid] = layer; }
    if (p.cluster_id !== undefined && p.name !== undefined) { bindCluster(layer, p); }
    if (p.tip) { layer.bindTooltip(function () { return el("div", null, p.tip); }, TOOLTIP); }
    if (p.popup) { layer.bindPopup(p.popup, POPUP); }
    if (p.tooltip) { layer.bindTooltip(p.tooltip, TOOLTIP); }
    var target = p.ref ? byUid[p.ref] : null;
    if (target) {
      var tp = target.feature && target.feature.properties;
      if (tp && tp.cluster_id !== undefined && tp.name !== undefined) { bindCluster(layer, tp); return; }
      if (target.getPopup()) { layer.bindPopup(target.getPopup().getContent(), POPUP); }
      if (target.getTooltip()) { layer.bindTooltip(target.getTooltip().getContent(), TOOLTIP); }
    }
  };

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

  // -- clusters sharing one point: one marker with their count, a popup listing each --------------
  function stackMarkers(map, cfg) {
    var group = L.layerGroup();
    (cfg.stacks || []).forEach(function (s) {
      var members = s[2].map(function (uid) { return byUid[uid]; }).filter(Boolean);
      if (members.length < 2) { return; }
      var span = document.createElement("span");
      span.textContent = String(members.length);
      var marker = L.marker([s[0], s[1]], {
        icon: L.divIcon({ className: "planning-stack", html: span, iconSize: [24, 24] }),
        title: T("%s clusters at this point").replace("%s", String(members.length)),
        riseOnHover: true, zIndexOffset: 1000
      });
      marker.bindPopup(function () {
        var box = el("div");
        el("h3", box, T("%s clusters at this point").replace("%s", String(members.length)));
        var ul = el("ul", box, null, "planning-stack-list");
        members.forEach(function (l) {
          var p = l.feature.properties;
          var b = el("button", el("li", ul), p.name + " (" + p.cluster_id + ")", "planning-stack-item");
          b.type = "button";
          L.DomEvent.on(b, "click", function () {
            map.closePopup();
            l.openPopup(l.getLatLng ? l.getLatLng() : marker.getLatLng());
          });
        });
        return box;
      }, POPUP);
      marker.addTo(group);
    });
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

  // -- wiring: called once per map with the folium layers and the Python-built markup ----------
  P.init = function (map, cfg) {
    var c = map.getContainer();
    L.DomUtil.addClass(c, "planning-map");
    if (cfg.bounds) { map.fitBounds(cfg.bounds, { animate: false }); }
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
    // Leaflet's own tooltips, in the page's language
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
    var panelPad = function () {
      var panel = c.querySelector(".planning-panel");
      var open = panel && !panel.querySelector(".planning-box-body").hidden;
      var w = open ? panel.offsetWidth + 15 : 5;
      PAD_BR[0] = map.getSize().x - w >= 420 ? w : 5;
    };
    map.on("resize popupopen", panelPad);
    panelPad();
    // fitClear: fit the bounds in the part of the map that the side controls leave free
    if (cfg.bounds && cfg.fitClear) {
      var side = function (sel) {
        var w = 0;
        c.querySelectorAll(sel).forEach(function (el) { w = Math.max(w, el.offsetWidth); });
        return w ? w + 20 : 10;
      };
      var left = side(".leaflet-top.leaflet-left > .leaflet-control"), right = side(".leaflet-right > .planning-box");
      if (map.getSize().x - left - right >= 300) {
        map.fitBounds(cfg.bounds, { animate: false, paddingTopLeft: [left, 10], paddingBottomRight: [right, 10] });
      }
    }
    var labels = placeLabels(map, cfg);
    var stacks = stackMarkers(map, cfg);
    tileNotice(map, c);
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
    var counts = {};
    Object.keys(cfg.counted || {}).forEach(function (k) { counts[k] = countLayers(cfg.counted[k]); c.setAttribute("data-" + k, String(counts[k])); });
    var record = { map: map, counts: counts, layers: cfg.counted || {}, search: entries, stacks: stacks, labels: labels };
    window.planningMaps.push(record);
    return record;
  };
})();
