/* AG Grid's bundle (0.49 MB on the wire) is loaded when a grid comes into view, not with the
 * page (layouts/core/static_assets.py: lazy_scripts). The server leaves the bundle's script tag
 * inert (type text/x-cakupan-lazy); until it is loaded, window.dash_ag_grid holds a stand-in
 * AgGrid that draws an empty box and loads the bundle when the box is in the viewport once
 * the page has settled (or when getApiAsync is called), then draws the real grid with the
 * same props (and stays the component Dash resolves, so a shown grid is never remounted). */
(function () {
    'use strict';
    var NS = 'dash_ag_grid';
    var tag = document.querySelector('script[data-cakupan-lazy="' + NS + '"]');
    var React = window.React;
    if (!tag || !React || (window[NS] && window[NS].AgGrid)) {
        return; // served eagerly: nothing to stand in for
    }
    var src = tag.getAttribute('src');
    var loading = null;
    var EVENT = 'cakupan-lazy-loaded';
    var SETTLE_MS = 3000;

    function load() {
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement('script');
                script.src = src;
                script.onload = function () {
                    // the renderer keeps resolving the stand-in (no remount of a shown grid),
                    // which draws the real one from now on
                    var ns = window[NS];
                    Real = ns.AgGrid;
                    window[NS] = Object.assign({}, ns, { AgGrid: LazyAgGrid, load: load });
                    resolve(ns);
                    window.dispatchEvent(new Event(EVENT));
                };
                script.onerror = function () {
                    loading = null;
                    reject(new Error('AG Grid bundle not loaded: ' + src));
                };
                document.head.appendChild(script);
            });
        }
        return loading;
    }

    var Real = null;

    function realGrid() {
        return Real;
    }

    function LazyAgGrid(props) {
        var box = React.useRef(null);
        var state = React.useState(realGrid);
        var Grid = state[0];
        var setGrid = state[1];
        var waited = React.useState(false);
        var firstRows = React.useRef(props.rowData);
        var api = window.dash_component_api;
        var context = api && api.useDashContext ? api.useDashContext() : null;
        // true while a callback that fills this grid runs (Dash's loading state)
        var loading = context && context.useLoading ? context.useLoading() : false;
        // Watch for the box only once its rows came (the callback that fills a table fills
        // the page above it too, so the box is where it stays), or SETTLE_MS after it was
        // drawn with no callback for it running: a box seen while the page above it is still
        // empty would load the bundle for nothing.
        var rowsCame = props.rowData !== firstRows.current
            || (Array.isArray(props.rowData) && props.rowData.length > 0);
        var settled = rowsCame || (waited[0] && !loading)
            || (props.rowModelType && props.rowModelType !== 'clientSide');
        React.useEffect(function () {
            var timer = setTimeout(function () { waited[1](true); }, SETTLE_MS);
            return function () { clearTimeout(timer); };
        }, []);
        React.useEffect(function () {
            if (Grid) {
                return undefined;
            }
            var live = true;
            function show() {
                if (live && realGrid()) {
                    var grid = realGrid();
                    setGrid(function () { return grid; });
                }
            }
            window.addEventListener(EVENT, show);
            var observer = null;
            if (!settled) {
                // not yet: only a load made elsewhere (getApiAsync) shows the grid
            } else if (typeof IntersectionObserver === 'function' && box.current) {
                observer = new IntersectionObserver(function (entries) {
                    if (entries.some(function (e) { return e.isIntersecting; })) {
                        observer.disconnect();
                        load().then(show);
                    }
                }, { rootMargin: '0px' });
                observer.observe(box.current);
            } else {
                load().then(show);
            }
            return function () {
                live = false;
                window.removeEventListener(EVENT, show);
                if (observer) {
                    observer.disconnect();
                }
            };
        }, [Grid, settled]);
        if (Grid) {
            return React.createElement(Grid, props);
        }
        var style = Object.assign({}, props.style || {}, { minHeight: '320px' });
        return React.createElement('div', {
            ref: box,
            id: props.id,
            className: (props.className || '') + ' lazy-grid',
            style: style,
            'data-lazy-grid': 'waiting',
        });
    }
    // what the renderer reads from the component class (as the real AgGrid sets them)
    LazyAgGrid.dashRenderType = true;
    LazyAgGrid.dashPersistence = { persisted_props: ['selectedRows'], persistence_type: 'local' };

    window[NS] = {
        AgGrid: LazyAgGrid,
        load: load,
        getApi: function (id) {
            load(); // whoever asks for a grid's API wants the grid: load it now
            throw new Error('no grid found, AG Grid not loaded yet: ' + id);
        },
        getApiAsync: function (id) {
            return load().then(function (ns) { return ns.getApiAsync(id); });
        },
    };
})();
