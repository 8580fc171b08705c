// A page left open after its session ended (log-out in another tab, idle time-out, a
// password change): the server answers the page's callbacks with 401, which Dash only
// reports in the console. Send the user to the log-in page instead, with a sentence
// saying why and the way back to this view (?next=). Loaded on every page, 1 KB.
(function () {
    "use strict";
    const realFetch = window.fetch;
    let leaving = false;
    function loginUrl() {
        let prefix = "/";
        try {
            const cfg = JSON.parse(document.getElementById("_dash-config").textContent);
            prefix = cfg.requests_pathname_prefix || "/";
        } catch (e) { /* the default prefix */ }
        const next = window.location.pathname + window.location.search;
        return prefix + "masuk?expired=1&next=" + encodeURIComponent(next);
    }
    window.fetch = function (input, init) {
        return realFetch.call(this, input, init).then(function (response) {
            const url = typeof input === "string" ? input : (input && input.url) || "";
            if (response.status === 401 && !leaving && url.indexOf("/_dash-") !== -1) {
                leaving = true;
                window.location.assign(loginUrl());
            }
            return response;
        });
    };
})();
