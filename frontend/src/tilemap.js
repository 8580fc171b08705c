// The all-villages map (/semua-desa): MapLibre draws the store's vector tiles (PMTiles
// served by the app) and colours them with values the server sends per month/segment/
// classification: the geometry crosses the wire once, a change sends values only.
//
// Dash glue (layouts/pages/all_villages.py) calls window.cakupanTilemap.mount(el, config)
// and setValues(payload); a click on a village sets the page's "selected" store.
import maplibregl from "maplibre-gl";
import { Protocol } from "pmtiles";

const NONE = "rgba(0,0,0,0)";
let protocolAdded = false;
const codeCache = new Map(); // codes URL -> Promise<string[]> (one fetch per store version)

function absolute(url) {
  return new URL(url, window.location.href).href;
}

function codes(url) {
  if (!codeCache.has(url)) {
    codeCache.set(
      url,
      fetch(url, { credentials: "same-origin" })
        .then((r) => {
          if (!r.ok) throw new Error(`codes ${r.status}`);
          return r.json();
        })
        .catch((err) => {
          codeCache.delete(url); // the next change asks again
          throw err;
        }),
    );
  }
  return codeCache.get(url);
}

function territoryFilter(roots) {
  // null (no filter) when the user sees all; else areas equal to or inside a root code
  if (!roots || roots.length === 0) return null;
  const code = ["to-string", ["get", "code"]];
  return [
    "any",
    ...roots.flatMap((r) => [
      ["==", code, r],
      ["==", ["slice", code, 0, r.length + 1], r + "."],
    ]),
  ];
}

function withFilter(layer, filter) {
  return filter ? { ...layer, filter } : layer;
}

class TileMap {
  constructor(el, config) {
    this.el = el;
    this.config = config;
    this.values = null; // last payload
    this.index = new Map(); // code -> position in the values arrays
    this.applied = null; // {code: true} of codes that carry a state
    this.selected = "";
    this.ready = false;
    this.pending = null;
    if (!protocolAdded) {
      const protocol = new Protocol();
      maplibregl.addProtocol("pmtiles", protocol.tile);
      protocolAdded = true;
    }
    const t = config.tiles;
    const filter = territoryFilter(config.roots);
    const map = new maplibregl.Map({
      container: el,
      attributionControl: false,
      bounds: config.bounds,
      fitBoundsOptions: { padding: 16 },
      maxZoom: 16,
      dragRotate: false,
      pitchWithRotate: false,
      style: {
        version: 8,
        ...(config.glyphs ? { glyphs: config.glyphs } : {}),
        sources: {
          desa: { type: "vector", url: "pmtiles://" + absolute(t.desa), promoteId: { desa: "code" } },
          kabupaten: { type: "vector", url: "pmtiles://" + absolute(t.kabupaten) },
        },
        layers: [
          { id: "background", type: "background", paint: { "background-color": "#f4f6f8" } },
          withFilter({
            id: "desa-fill",
            type: "fill",
            source: "desa",
            "source-layer": "desa",
            paint: {
              "fill-color": ["coalesce", ["feature-state", "fill"], NONE],
              "fill-opacity": 0.9,
            },
          }, filter),
          withFilter({
            id: "desa-line",
            type: "line",
            source: "desa",
            "source-layer": "desa",
            minzoom: 8,
            paint: { "line-color": "#ffffff", "line-width": 0.4 },
          }, filter),
          withFilter({
            id: "kabupaten-line",
            type: "line",
            source: "kabupaten",
            "source-layer": "kabupaten",
            paint: { "line-color": "#4a4a4a", "line-width": ["interpolate", ["linear"], ["zoom"], 4, 0.3, 9, 1.2] },
          }, filter),
          ...(config.glyphs
            ? [
                withFilter({
                  id: "desa-label",
                  type: "symbol",
                  source: "desa",
                  "source-layer": "desa",
                  minzoom: 11,
                  layout: {
                    "text-field": ["get", "name"],
                    "text-font": [config.font],
                    "text-size": 11,
                    "text-max-width": 8,
                  },
                  paint: { "text-color": "#1a1a1a", "text-halo-color": "#ffffff", "text-halo-width": 1.2 },
                }, filter),
              ]
            : []),
          {
            id: "highlight",
            type: "line",
            source: "desa",
            "source-layer": "desa",
            filter: ["==", ["get", "code"], ""],
            paint: { "line-color": "#e6550d", "line-width": 3 },
          },
        ],
      },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    this.map = map;
    this.popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, maxWidth: "260px" });
    map.on("load", () => {
      this.ready = true;
      if (this.pending) {
        const p = this.pending;
        this.pending = null;
        this.setValues(p);
      }
    });
    map.on("mousemove", "desa-fill", (e) => this.hover(e));
    map.on("mouseleave", "desa-fill", () => {
      map.getCanvas().style.cursor = "";
      this.popup.remove();
    });
    map.on("click", "desa-fill", (e) => {
      const f = e.features && e.features[0];
      if (!f) return;
      const code = String(f.properties.code);
      this.highlight(code);
      const dc = window.dash_clientside;
      if (dc && dc.set_props && config.selectedId) {
        dc.set_props(config.selectedId, { data: { code, t: Date.now() } });
      }
    });
  }

  hover(e) {
    const f = e.features && e.features[0];
    if (!f) return;
    this.map.getCanvas().style.cursor = "pointer";
    const code = String(f.properties.code);
    const box = document.createElement("div");
    const name = document.createElement("b");
    name.textContent = `${f.properties.name ?? ""} (${code})`; // text, never markup
    box.appendChild(name);
    const v = this.values;
    const i = this.index.get(code);
    if (v && i !== undefined) {
      const line = document.createElement("div");
      line.textContent = `${v.coverage_label}: ${v.pct_text[v.pct[i]]}`;
      box.appendChild(line);
      const cls = document.createElement("div");
      cls.textContent = v.class_labels[v.cls[i]];
      box.appendChild(cls);
    }
    this.popup.setLngLat(e.lngLat).setDOMContent(box).addTo(this.map);
  }

  async setValues(payload) {
    if (!payload) return;
    if (!this.ready) {
      this.pending = payload;
      return;
    }
    const list = await codes(payload.codes_url);
    const started = performance.now();
    if (this.codesUrl !== payload.codes_url) {
      this.index = new Map(list.map((c, i) => [c, i]));
      this.codesUrl = payload.codes_url;
      this.map.removeFeatureState({ source: "desa", sourceLayer: "desa" });
    }
    const colors = payload.colors;
    const cls = payload.cls;
    const prev = this.values;
    for (let i = 0; i < list.length; i++) {
      const fill = colors[cls[i]];
      if (prev && prev.colors[prev.cls[i]] === fill && this.codesUrl === prev.codes_url) continue;
      this.map.setFeatureState({ source: "desa", sourceLayer: "desa", id: list[i] }, { fill });
    }
    this.values = payload;
    this.lastApplyMs = performance.now() - started;
    this.applied = (this.applied || 0) + 1;
    this.el.dataset.applied = String(this.applied);
    this.el.dataset.version = payload.version || "";
  }

  highlight(code) {
    this.selected = code || "";
    this.map.setFilter("highlight", ["==", ["get", "code"], this.selected]);
  }

  select(code, lon, lat) {
    this.highlight(code);
    if (typeof lon === "number" && typeof lat === "number") {
      this.map.flyTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), 11), speed: 2 });
    }
  }

  destroy() {
    this.popup.remove();
    this.map.remove();
  }
}

let current = null;

window.cakupanTilemap = {
  /** Draw the map into ``el`` (once per element; a new page element draws anew). */
  mount(el, config) {
    if (current && current.el === el && current.configKey === JSON.stringify(config)) return current;
    if (current) current.destroy();
    current = new TileMap(el, config);
    current.configKey = JSON.stringify(config);
    return current;
  },
  setValues(payload) {
    if (current) current.setValues(payload);
  },
  select(code, lon, lat) {
    if (current) current.select(code, lon, lat);
  },
  /** Tests and benchmarks: the MapLibre map and the last apply time. */
  debug() {
    if (!current) return null;
    return {
      map: current.map,
      lastApplyMs: current.lastApplyMs,
      applied: current.applied,
      values: current.values,
      codes: () => codes(current.codesUrl),
    };
  },
};
