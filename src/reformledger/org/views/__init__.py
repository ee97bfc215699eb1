"""The organisation's pages: the directory (units, people), the office's pages that keep them
(ADR 0026), and every person's own password pages."""
