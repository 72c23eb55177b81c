// The page's data and the popups built from it (loaded first; planning-map-controls.js and
// planning-map-page.js use what it sets on window.PlanningMap): the data block, the interface
// text, number format, cluster popups and tooltips, the binding of features to their data, and
// the marker of clusters sharing one point.
(function () {
  "use strict";
  var P = (window.PlanningMap = window.PlanningMap || {});

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
  // Popups pan clear of the summary panel where the map is wide enough (P.init sets the room
  // on the right with P.setPopupPad).
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
  P.setPopupPad = function (right) { PAD_BR[0] = right; };

  // -- clusters sharing one point: one marker with their count, a popup listing each --------------
  P.stackMarkers = function (map, cfg) {
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
  };
})();
