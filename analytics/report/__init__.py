"""Area reports: pure content assembly (content) and the PDF layout (pdf)."""
