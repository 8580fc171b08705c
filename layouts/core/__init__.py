"""UI shared by every page: i18n, theme, ids, components, auth, data access."""
