"""Message catalogs merged by :mod:`layouts.core.i18n`."""
