'use strict';
// The plotly.js partial bundle the dashboard loads (see README.md beside this file):
// the core (scatter) plus the trace types the pages draw in the browser.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scattermap'),
    require('plotly.js/lib/choroplethmap'),
]);

module.exports = Plotly;
