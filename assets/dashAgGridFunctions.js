// Number formatting for dash-ag-grid cells, by language (id: 1.234.567 and 12,5%).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

function cakupanLocale(lang) {
  return lang === "en" ? "en-US" : "id-ID";
}

dagfuncs.fmtInt = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(cakupanLocale(lang), { maximumFractionDigits: 0 }).format(value);
};

dagfuncs.fmtPct = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return (
    new Intl.NumberFormat(cakupanLocale(lang), {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }).format(value) + "%"
  );
};

dagfuncs.fmtPp = function (value, lang) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return (
    new Intl.NumberFormat(cakupanLocale(lang), {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: "always",
    }).format(value) + " pp"
  );
};

// A decimal with a fixed number of digits (outreach tables: scores 0..1, registrations).
dagfuncs.fmtDec = function (value, lang, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(cakupanLocale(lang), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
};
