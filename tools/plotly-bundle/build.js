// Builds ../../assets/vendor/plotly-cakupan.min.js with plotly.js's own esbuild settings
// (esbuild-config.js of the plotly.js package), from entry.js.
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const path = require('path');

esbuild
    .build({
        entryPoints: [path.join(__dirname, 'entry.js')],
        outfile: path.join(__dirname, '..', '..', 'assets', 'vendor', 'plotly-cakupan.min.js'),
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        sourcemap: false,
        legalComments: 'inline',
        banner: { js: `/* plotly.js v${require('plotly.js/package.json').version} partial bundle for Cakupan (tools/plotly-bundle): core, scattermap, choroplethmap */` },
        plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'warning',
    })
    .then(() => console.log('assets/vendor/plotly-cakupan.min.js written'));
